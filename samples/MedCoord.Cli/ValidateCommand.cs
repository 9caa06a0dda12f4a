using System.CommandLine;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord validate</c>: the problem file checked, nothing solved.</summary>
internal sealed record ValidateCommand(string ProblemPath)
{
    public static Command Define(CommandTable table)
    {
        var problem = SharedOptions.Problem();
        return table.Add(new Command("validate", "Check a problem file without solving it.") { problem },
            (parse, console, stderr, _) => new ValidateCommand(parse.GetValue(problem)!).RunAsync(console, stderr));
    }

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        if (await ProblemLoader.LoadAsync(ProblemPath, stderr) is not { } problem)
        {
            return SolverCommandLine.BadInput;
        }

        console.MarkupLine($"[green]valid[/]: {Markup.Escape(ProblemPath)} has {problem.Problem.Requests.Count} requests, {problem.Problem.Providers.Count} providers, {problem.Problem.Rooms.Count} rooms, {problem.Problem.Facilities.Count} facilities");
        return SolverCommandLine.Success;
    }
}
