using System.CommandLine;
using System.Globalization;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord recommend</c>: the best slots for one request against a book, nothing moved.</summary>
internal sealed record RecommendCommand(string ProblemPath, string BookPath, string RequestId, int Top, int Step, string? OutPath)
{
    public static Command Define(CommandTable table)
    {
        var problem = SharedOptions.Problem();
        var book = SharedOptions.Book("The current book: a schedule file whose appointments stay where they are.");
        var request = new Option<string>("--request") { Description = "The request to find slots for.", Required = true };
        var top = new Option<int>("--top") { Description = "How many slots, best first.", DefaultValueFactory = _ => 10 };
        var step = new Option<int>("--step") { Description = "Minutes between offered starts on the local clock.", DefaultValueFactory = _ => 15 };
        var output = SharedOptions.Out("Write the slots file (format v1.1) here.");
        var command = new Command("recommend", "The best slots for one request against a book, moving nothing.") { problem, book, request, top, step, output };
        return table.Add(command, (parse, console, stderr, _) => new RecommendCommand(
            parse.GetValue(problem)!, parse.GetValue(book)!, parse.GetValue(request)!, parse.GetValue(top), parse.GetValue(step), parse.GetValue(output)).RunAsync(console, stderr));
    }

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

        flagErrors.AddRange(OutputFile.Check(("--out", OutPath)));
        var problem = await ProblemLoader.LoadAsync(ProblemPath, stderr);
        var book = await BookLoader.LoadAsync(BookPath, stderr);
        SlotRecommender? recommender = null;
        IReadOnlyList<ValidationError> bookErrors = [];
        if (problem is not null && book is not null)
        {
            try
            {
                recommender = new SlotRecommender(problem, book);
            }
            catch (ProblemValidationException ex)
            {
                bookErrors = ex.Errors;
            }

            // The recommender's own refusal: an unknown request, a visit of a series, a request the book holds.
            if (recommender?.Refusal(RequestId) is { } refusal)
            {
                flagErrors.Add(refusal.Reason == RequestRefusalReason.AlreadyBooked
                    ? new("--request", $"{refusal.Message} in {BookPath}")
                    : refusal.At("--request"));
            }
        }

        foreach (var error in flagErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        foreach (var error in bookErrors)
        {
            await stderr.WriteLineAsync($"{BookPath}: {error}");
        }

        if (recommender is null || flagErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        SlotRecommendations result;
        using (var cancel = new CtrlC())
        {
            result = await Task.Run(() => recommender.Recommend(RequestId, Top, Step, cancel.Token));
        }

        if (OutPath is not null)
        {
            OutputFile.WriteAtomically("--out", OutPath, SlotsFile.Serialize(result));
        }

        if (result.Slots.Count == 0)
        {
            console.MarkupLine(Markup.Escape(result.Reason is null
                ? $"no slot for {RequestId}: the search was cancelled"
                : $"no slot for {RequestId}: {result.Reason} ({result.Message})"));
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
