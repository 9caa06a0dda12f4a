using MedCoord.Scheduling.Validation;

namespace MedCoord.Cli;

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
