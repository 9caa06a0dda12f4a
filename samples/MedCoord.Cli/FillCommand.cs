using System.CommandLine;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord fill</c>: a cancellation's freed time offered to the waiting list.</summary>
internal sealed record FillCommand(string ProblemPath, string BookPath, string CancelId, string OutPath)
{
    public static Command Define(CommandTable table)
    {
        var problem = SharedOptions.Problem();
        var book = SharedOptions.Book("The current book (a schedule file).");
        var cancel = new Option<string>("--cancel") { Description = "The booked request whose appointment is cancelled.", Required = true };
        var output = SharedOptions.RequiredOut("Write the new book (a schedule file) here.");
        var command = new Command("fill", "Cancel one appointment and offer its time to the waiting list, moving nothing else.") { problem, book, cancel, output };
        return table.Add(command, (parse, console, stderr, _) =>
            new FillCommand(parse.GetValue(problem)!, parse.GetValue(book)!, parse.GetValue(cancel)!, parse.GetValue(output)!).RunAsync(console, stderr));
    }

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var outErrors = OutputFile.Check(("--out", OutPath));
        var problem = await ProblemLoader.LoadAsync(ProblemPath, stderr);
        var book = await BookLoader.LoadAsync(BookPath, stderr);
        foreach (var error in outErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (problem is null || book is null || outErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        FillResult result;
        try
        {
            using var cancel = new CtrlC();
            result = await Task.Run(() => WaitlistFiller.Fill(problem, book, CancelId, cancellationToken: cancel.Token));
        }
        catch (ProblemValidationException ex)
        {
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"{BookPath}: {error}");
            }

            return SolverCommandLine.BadInput;
        }
        catch (RequestRefusedException ex)
        {
            await stderr.WriteLineAsync(ex.Refusal.At("--cancel").ToString());
            return SolverCommandLine.BadInput;
        }

        OutputFile.WriteAtomically("--out", OutPath, ScheduleFile.Serialize(result.Schedule));
        console.MarkupLine(Markup.Escape($"cancelled {CancelId}; {result.Filled.Count} waiting request(s) booked into the freed time, {result.Released.Count} released; new book written to {OutPath}"));
        foreach (var a in result.Filled)
        {
            console.MarkupLine(Markup.Escape($"  booked   {a.RequestId} with {a.ProviderId ?? "-"} in {a.RoomId ?? "-"} at {ScheduleFile.FormatDateTime(a.Start)}"));
        }

        foreach (var r in result.Released)
        {
            console.MarkupLine(Markup.Escape($"  released {r.RequestId}: {r.Message}"));
        }

        return SolverCommandLine.Success;
    }
}
