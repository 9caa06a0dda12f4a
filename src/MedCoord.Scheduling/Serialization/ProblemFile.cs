using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Validation;

namespace MedCoord.Scheduling.Serialization;

/// <summary>Reads and writes problem files (format v1). Thread safe.</summary>
public static class ProblemFile
{
    /// <summary>Reads and validates a problem file's text, once: what solving, re-planning, recommending and filling take.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="problem">The validated problem, when there are no errors.</param>
    /// <returns>Every error found (syntax, kinds, references, rules), each with its JSON path; empty when valid.</returns>
    public static IReadOnlyList<ValidationError> TryRead(string json, out ValidatedProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(json);
        var (parsed, map, readErrors) = ProblemJsonReader.Read(json);
        problem = null;
        if (parsed is null)
        {
            return readErrors;
        }

        var errors = new List<ValidationError>(readErrors);
        var reported = new HashSet<string>(readErrors.Select(e => e.Path), StringComparer.Ordinal);
        var ruleErrors = ProblemValidator.Validate(parsed, out var calendar, map, structureAlreadyBroken: readErrors.Count > 0);
        foreach (var error in ruleErrors)
        {
            if (!reported.Any(path => error.Path == path || error.Path.StartsWith(path + ".", StringComparison.Ordinal) || error.Path.StartsWith(path + "[", StringComparison.Ordinal)))
            {
                errors.Add(error);
            }
        }

        if (errors.Count == 0)
        {
            problem = ValidatedProblem.Read(parsed, calendar);
        }

        return errors;
    }

    /// <summary>
    /// Reads and validates a problem file's bytes: UTF-8 (a byte order mark is allowed), checked strictly; an invalid
    /// byte is reported at <c>$</c> with its offset, not replaced.
    /// </summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="problem">The validated problem, when there are no errors.</param>
    /// <returns>Every error found, each with its JSON path; empty when valid.</returns>
    public static IReadOnlyList<ValidationError> TryRead(ReadOnlySpan<byte> utf8Json, out ValidatedProblem? problem)
    {
        if (Utf8Text.Decode(utf8Json, out var error) is { } json)
        {
            return TryRead(json, out problem);
        }

        problem = null;
        return [new ValidationError("$", error!)];
    }

    /// <summary>Reads and validates a problem file's text.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="problem">The problem, when there are no errors.</param>
    /// <returns>Every error found (syntax, kinds, references, rules), each with its JSON path; empty when valid.</returns>
    public static IReadOnlyList<ValidationError> TryParse(string json, out Problem? problem)
    {
        var errors = TryRead(json, out var validated);
        problem = validated?.Problem;
        return errors;
    }

    /// <summary>
    /// Reads and validates a problem file's bytes: UTF-8 (a byte order mark is allowed), checked strictly; an invalid
    /// byte is reported at <c>$</c> with its offset, not replaced.
    /// </summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="problem">The problem, when there are no errors.</param>
    /// <returns>Every error found, each with its JSON path; empty when valid.</returns>
    public static IReadOnlyList<ValidationError> TryParse(ReadOnlySpan<byte> utf8Json, out Problem? problem)
    {
        var errors = TryRead(utf8Json, out var validated);
        problem = validated?.Problem;
        return errors;
    }

    /// <summary>Reads and validates a problem file's text.</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The problem.</returns>
    /// <exception cref="ProblemValidationException">The text is bad input; the exception lists every error.</exception>
    public static Problem Parse(string json)
    {
        var errors = TryParse(json, out var problem);
        return errors.Count > 0 ? throw new ProblemValidationException(errors) : problem!;
    }

    /// <summary>Writes a problem as a format v1 problem file, so that a host application can export its book.</summary>
    /// <param name="problem">A valid problem.</param>
    /// <returns>The file's text, indented.</returns>
    /// <exception cref="ProblemValidationException">The problem is invalid; nothing is written.</exception>
    public static string Serialize(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var errors = ProblemValidator.Validate(problem);
        return errors.Count > 0 ? throw new ProblemValidationException(errors) : ProblemWriter.Write(problem);
    }
}
