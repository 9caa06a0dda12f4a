using System.Globalization;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord recommend</c>: the best slots for one request against a book, nothing moved.</summary>
internal sealed record RecommendCommand(string ProblemPath, string BookPath, string RequestId, int Top, int Step, string? OutPath)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var flagErrors = new List<ValidationError>();
        if (Top is < 1 or > 1000)
        {
            flagErrors.Add(new("--top", $"must be from 1 to 1000, found {Top}"));
        }

        if (Step is < 1 or > 1440)
        {
            flagErrors.Add(new("--step", $"must be from 1 to 1440 minutes, found {Step}"));
        }

        var problem = await ProblemLoader.LoadAsync(ProblemPath, stderr);
        var book = await BookLoader.LoadAsync(BookPath, stderr);
        if (problem is not null && !problem.Requests.Any(r => r.Id == RequestId))
        {
            flagErrors.Add(new("--request", $"unknown request '{RequestId}'"));
        }
        else if (book is not null && book.Assignments.Any(a => a.RequestId == RequestId))
        {
            flagErrors.Add(new("--request", $"request '{RequestId}' is already booked in {BookPath}"));
        }
        else if (problem?.AllSeries.FirstOrDefault(x => x.RequestIds.Contains(RequestId)) is { } series)
        {
            flagErrors.Add(new("--request", $"request '{RequestId}' is a visit of series '{series.Id}', which is booked whole by solve or replan, not one slot at a time"));
        }

        foreach (var error in flagErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (problem is null || book is null || flagErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        SlotRecommender recommender;
        try
        {
            recommender = new SlotRecommender(problem, book);
        }
        catch (ProblemValidationException ex)
        {
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"{BookPath}: {error}");
            }

            return SolverCommandLine.BadInput;
        }

        var result = recommender.Recommend(RequestId, Top, Step);
        if (OutPath is not null)
        {
            OutputFile.WriteAtomically(OutPath, SlotsFile.Serialize(result));
        }

        if (result.Slots.Count == 0)
        {
            console.MarkupLine(Markup.Escape($"no slot for {RequestId}: {result.Reason} ({result.Message})"));
            return SolverCommandLine.Success;
        }

        var table = new Table().Title(Markup.Escape($"Best {result.Slots.Count} slots for {RequestId}"))
            .AddColumns("#", "start", "end", "provider", "room", "facility", "waiting cost", "preferred");
        var rank = 1;
        foreach (var s in result.Slots)
        {
            table.AddRow(Cells((rank++).ToString(CultureInfo.InvariantCulture), ScheduleFile.FormatDateTime(s.Start), ScheduleFile.FormatDateTime(s.End),
                s.ProviderId ?? "-", s.RoomId ?? "-", s.FacilityId, s.Change.WaitingCost.ToString(CultureInfo.InvariantCulture), s.Change.PreferredProvider == 1 ? "yes" : "no"));
        }

        console.Write(table);
        return SolverCommandLine.Success;
    }

    private static string[] Cells(params string[] values) => [.. values.Select(Markup.Escape)];
}

/// <summary>Reads a book (a schedule file), printing one line per error, each naming the file.</summary>
internal static class BookLoader
{
    public static Task<Schedule?> LoadAsync(string path, TextWriter stderr) =>
        InputFile.LoadAsync(path, "schedule file", json => (ScheduleFile.TryParse(json, out var schedule), schedule), nameFile: true, stderr);
}

/// <summary>Writes output files whole or not at all.</summary>
internal static class OutputFile
{
    public static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
