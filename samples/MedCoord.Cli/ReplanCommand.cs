using System.CommandLine;
using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Validation;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord replan</c>: a changed problem re-planned around the previous schedule.</summary>
internal sealed record ReplanCommand(string ProblemPath, string PreviousPath, string OutPath, SolveOptions Options)
{
    public static Command Define(CommandTable table)
    {
        var problem = SharedOptions.Problem("The changed problem file (format v1).");
        var previous = new Option<string>("--previous") { Description = "The schedule made before the change.", Required = true };
        var output = SharedOptions.RequiredOut("Write the new schedule here.");
        var flags = new SolveFlags();
        var command = new Command("replan", "Re-plan a changed problem, keeping every appointment that still stands where it was.") { problem, previous, output };
        foreach (var flag in flags.All)
        {
            command.Add(flag);
        }

        return table.Add(command, (parse, console, stderr, _) =>
            new ReplanCommand(parse.GetValue(problem)!, parse.GetValue(previous)!, parse.GetValue(output)!, flags.Read(parse)).RunAsync(console, stderr));
    }

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var flagErrors = SolveFlags.Check(Options);
        flagErrors.AddRange(OutputFile.Check(("--out", OutPath)));
        var problem = await ProblemLoader.LoadAsync(ProblemPath, stderr);
        var previous = await BookLoader.LoadAsync(PreviousPath, stderr);
        foreach (var error in flagErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (problem is null || previous is null || flagErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        ReplanResult result;
        try
        {
            using var cancel = new CtrlC();
            result = await Task.Run(() => new AppointmentScheduler().Replan(problem, previous, Options, cancellationToken: cancel.Token));
        }
        catch (ProblemValidationException ex)
        {
            // The problem file was checked on reading: what the re-plan refuses is the previous book.
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"{PreviousPath}: {error}");
            }

            return SolverCommandLine.BadInput;
        }

        OutputFile.WriteAtomically("--out", OutPath, ScheduleFile.Serialize(result.Schedule));
        var moved = result.Changes.Count(c => c.Kind == AppointmentChangeKind.Moved);
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{result.Schedule.Status}: {result.Schedule.Assignments.Count} scheduled; of {previous.Assignments.Count} previous appointments {previous.Assignments.Count - result.Changes.Count} kept, {moved} moved, {result.Changes.Count - moved} dropped; priority {result.Schedule.Objective.ScheduledPriority}; written to {OutPath}")));
        foreach (var c in result.Changes)
        {
            var what = c.After is null ? $"was {Describe(c.Before)}" : $"{Describe(c.Before)} -> {Describe(c.After)}";
            console.MarkupLine(Markup.Escape($"  {c.Kind.ToString().ToLowerInvariant(),-7} {c.RequestId}: {what}; {c.Reason}"));
        }

        return SolverCommandLine.Success;
    }

    private static string Describe(MedCoord.Scheduling.Results.Assignment a) =>
        $"{ScheduleFile.FormatDateTime(a.Start)} {a.ProviderId ?? "-"} {a.RoomId ?? "-"} @{a.FacilityId}";
}
