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

        flagErrors.AddRange(OutputFile.Check(("--out", OutPath)));
        var problem = await ProblemLoader.LoadAsync(ProblemPath, stderr);
        var book = await BookLoader.LoadAsync(BookPath, stderr);
        if (problem is not null && !problem.Problem.Requests.Any(r => r.Id == RequestId))
        {
            flagErrors.Add(new("--request", $"unknown request '{RequestId}'"));
        }
        else if (book is not null && book.Assignments.Any(a => a.RequestId == RequestId))
        {
            flagErrors.Add(new("--request", $"request '{RequestId}' is already booked in {BookPath}"));
        }
        else if (problem?.Problem.Series.FirstOrDefault(x => x.RequestIds.Contains(RequestId)) is { } series)
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
            OutputFile.WriteAtomically("--out", OutPath, SlotsFile.Serialize(result));
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
        InputFile.LoadAsync(path, "schedule file", bytes => (ScheduleFile.TryParse(bytes, out var schedule), schedule), nameFile: true, stderr);
}

/// <summary>
/// Writes output files whole or not at all (a temporary file beside the destination, then a move), and checks every
/// destination before any work is done, so that an unwritable one is bad input found at once, not after a solve.
/// </summary>
internal static class OutputFile
{
    /// <summary>Why each destination cannot be written, as <c>--out: cannot write 'PATH': why</c>; empty when all can.</summary>
    /// <param name="destinations">Each output flag with its path (null when the flag is not given).</param>
    public static List<ValidationError> Check(params (string Flag, string? Path)[] destinations)
    {
        var errors = new List<ValidationError>();
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (flag, path) in destinations)
        {
            if (path is null)
            {
                continue;
            }

            if (Problem(path) is { } why)
            {
                errors.Add(new(flag, $"cannot write '{path}': {why}"));
            }
            else if (!taken.TryAdd(Path.GetFullPath(path), flag))
            {
                errors.Add(new(flag, $"cannot write '{path}': {taken[Path.GetFullPath(path)]} writes the same file"));
            }
        }

        return errors;
    }

    /// <summary>Writes the file whole through a temporary file in its directory.</summary>
    /// <exception cref="OutputFileException">The file could not be written; the message names the destination, not the temporary file.</exception>
    public static void WriteAtomically(string flag, string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temp = TempBeside(full);
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputFileException($"{flag}: cannot write '{path}': {Why(ex, temp, full)}", ex);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Why a file cannot be written at the path, or null when it can: its directory is tried with a temporary file.</summary>
    private static string? Problem(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return "not a valid file path";
        }

        if (path.Length == 0 || Path.EndsInDirectorySeparator(path) || Directory.Exists(full))
        {
            return Directory.Exists(full) ? "it is a directory" : "no file name";
        }

        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            return File.Exists(directory) ? $"'{directory}' is a file, not a directory" : $"directory '{directory}' does not exist";
        }

        if (OperatingSystem.IsWindows() && File.Exists(full) && File.GetAttributes(full).HasFlag(FileAttributes.ReadOnly))
        {
            return "the file is read-only";
        }

        var temp = TempBeside(full);
        try
        {
            using (File.Create(temp, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Why(ex, temp, full);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static string TempBeside(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");

    /// <summary>The reason, naming the destination where the system names the temporary file.</summary>
    private static string Why(Exception ex, string temp, string full) => ex is UnauthorizedAccessException
        ? "permission denied"
        : ex.Message.Replace(temp, full, StringComparison.Ordinal).TrimEnd('.');
}

/// <summary>An output file could not be written after its destination was checked.</summary>
internal sealed class OutputFileException(string message, Exception inner) : Exception(message, inner);
