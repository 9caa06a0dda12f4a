using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord fill</c>: a cancellation's freed time offered to the waiting list.</summary>
internal sealed record FillCommand(string ProblemPath, string BookPath, string CancelId, string OutPath)
{
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
            result = WaitlistFiller.Fill(problem, book, CancelId);
        }
        catch (ProblemValidationException ex)
        {
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"{BookPath}: {error}");
            }

            return SolverCommandLine.BadInput;
        }
        catch (ArgumentException ex) when (ex.ParamName == "cancelledRequestId")
        {
            await stderr.WriteLineAsync($"--cancel: {ex.Message[..^($" (Parameter '{ex.ParamName}')".Length)]}");
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
