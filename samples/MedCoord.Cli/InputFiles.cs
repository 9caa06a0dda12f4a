using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;

namespace MedCoord.Cli;

/// <summary>Reads a problem file, printing one line per error (each naming its JSON path).</summary>
internal static class ProblemLoader
{
    public static Task<ValidatedProblem?> LoadAsync(string path, TextWriter stderr) =>
        InputFile.LoadAsync(path, "problem file", bytes => (ProblemFile.TryRead(bytes, out var problem), problem), nameFile: false, stderr);
}

/// <summary>Reads an input file and parses it, printing one line per problem; nothing on success.</summary>
internal static class InputFile
{
    /// <param name="path">The file.</param>
    /// <param name="what">What it is, for the message when it cannot be read.</param>
    /// <param name="parse">The parser of the file's bytes: every error, and the value when there are none.</param>
    /// <param name="nameFile">Whether each error line starts with the file's path (where a command reads several files).</param>
    /// <param name="stderr">Where errors go.</param>
    public static async Task<T?> LoadAsync<T>(string path, string what, Func<byte[], (IReadOnlyList<ValidationError> Errors, T? Value)> parse, bool nameFile, TextWriter stderr)
        where T : class
    {
        if (await ReadAsync(path, what, stderr) is not { } bytes)
        {
            return null;
        }

        var (errors, value) = parse(bytes);
        foreach (var error in errors)
        {
            await stderr.WriteLineAsync(nameFile ? $"{path}: {error}" : error.ToString());
        }

        return errors.Count == 0 ? value : null;
    }

    /// <summary>The file's bytes (decoded by the library's readers, which refuse invalid UTF-8), or null after saying why they cannot be read.</summary>
    public static async Task<byte[]?> ReadAsync(string path, string what, TextWriter stderr)
    {
        try
        {
            return await File.ReadAllBytesAsync(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = Directory.Exists(path) ? "it is a directory" : ex.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal);
            await stderr.WriteLineAsync($"{path}: cannot read the {what} ({why})");
            return null;
        }
    }
}


/// <summary>Reads a book (a schedule file), printing one line per error, each naming the file.</summary>
internal static class BookLoader
{
    public static Task<Schedule?> LoadAsync(string path, TextWriter stderr) =>
        InputFile.LoadAsync(path, "schedule file", bytes => (ScheduleFile.TryParse(bytes, out var schedule), schedule), nameFile: true, stderr);
}
