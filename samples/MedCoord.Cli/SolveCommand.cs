using System.CommandLine;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord solve</c>.</summary>
internal sealed record SolveCommand(string ProblemPath, string? OutPath, SolveOptions Options, string? HtmlPath = null)
{
    public static Command Define(CommandTable table)
    {
        var problem = SharedOptions.Problem();
        var output = SharedOptions.Out("Write the schedule file (format v1) here.");
        var flags = new SolveFlags();
        var html = SharedOptions.Html();
        var command = new Command("solve", "Solve a problem file and print a summary.") { problem, output };
        foreach (var flag in flags.All)
        {
            command.Add(flag);
        }

        command.Add(html);
        return table.Add(command, (parse, console, stderr, _) =>
            new SolveCommand(parse.GetValue(problem)!, parse.GetValue(output), flags.Read(parse), parse.GetValue(html)).RunAsync(console, stderr));
    }

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var flagErrors = SolveFlags.Check(Options);
        flagErrors.AddRange(OutputFile.Check(("--out", OutPath), ("--html", HtmlPath)));

        var problem = await ProblemLoader.LoadAsync(ProblemPath, stderr);
        foreach (var error in flagErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (problem is null || flagErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        var scheduler = new AppointmentScheduler();
        using var cancel = new CtrlC();
        var schedule = await console.Status().StartAsync("solving…", async ctx =>
        {
            var progress = new Progress<SolveProgress>(p => ctx.Status(Markup.Escape(
                $"solving… {p.Elapsed.TotalSeconds:0.0}s  best priority {p.ScheduledPriority}  bound {p.UpperBound}  (level {p.Phase} of 3)")));
            return await Task.Run(() => scheduler.Solve(problem, Options, progress, cancel.Token));
        });

        if (OutPath is not null)
        {
            OutputFile.WriteAtomically("--out", OutPath, ScheduleFile.Serialize(schedule));
        }

        if (HtmlPath is not null)
        {
            OutputFile.WriteAtomically("--html", HtmlPath, ScheduleHtml.Render(problem.Problem, schedule));
        }

        ScheduleReport.Write(console, problem.Problem, schedule, OutPath);
        return SolverCommandLine.Success;
    }
}
