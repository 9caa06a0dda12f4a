using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Cli;

/// <summary>The solve flags shared by <c>solve</c> and <c>replan</c>.</summary>
internal static class SolveFlags
{
    public static List<ValidationError> Check(double? timeLimitSeconds, int? workers, int? seed)
    {
        var errors = new List<ValidationError>();
        if (timeLimitSeconds is { } t && (!(t > 0) || t > 604_800))
        {
            errors.Add(new("--time-limit", $"must be above 0 and at most 604800 seconds, found {t.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (workers is < 0 or > 256)
        {
            errors.Add(new("--workers", $"must be from 0 (the machine's core count) to 256, found {workers}"));
        }

        if (seed is < 0)
        {
            errors.Add(new("--seed", $"must not be negative, found {seed}"));
        }

        return errors;
    }

    public static SolveOptions Options(double? timeLimitSeconds, int? workers, int? seed) => new(
        timeLimitSeconds is { } seconds ? Duration.FromMilliseconds(Math.Max(1, Math.Round(seconds * 1000))) : null,
        workers,
        seed);
}
