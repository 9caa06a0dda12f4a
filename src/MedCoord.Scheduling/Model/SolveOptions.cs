using System.Globalization;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Scheduling.Model;

/// <summary>
/// The solve options, the one type that declares them with their defaults and bounds: the problem file's
/// <c>options</c>, a call's options, the configured defaults (<see cref="Solving.SchedulingOptions"/>) and the console's
/// flags all become one of these and are checked by <see cref="Validate"/>. Every value left <see langword="null"/>
/// falls back to the next level (call, problem, configured defaults, <see cref="Default"/>).
/// </summary>
/// <param name="TimeLimit">Wall-clock limit for the search: above 0 and at most <see cref="MaxTimeLimitSeconds"/>.</param>
/// <param name="Workers">CP-SAT worker threads, 0 to <see cref="MaxWorkers"/>; 0 means the machine's core count.</param>
/// <param name="Seed">Random seed, not negative; with one worker the same seed gives the same schedule.</param>
/// <param name="SoftRules">Weights of the soft rules clinics ask for (format v1.1); <see langword="null"/> for none.</param>
public sealed record SolveOptions(Duration? TimeLimit = null, int? Workers = null, int? Seed = null, SoftRuleWeights? SoftRules = null)
{
    /// <summary>The longest time limit, in seconds (a week).</summary>
    public const int MaxTimeLimitSeconds = 604_800;

    /// <summary>The most CP-SAT worker threads.</summary>
    public const int MaxWorkers = 256;

    /// <summary>The most a soft rule's weight or a daily cap may be.</summary>
    public const int MaxSoftRuleValue = 1000;

    /// <summary>Gets the built-in defaults, used where no level gives a value: 10 seconds, the machine's core count, seed 0, no soft rules, not conservative.</summary>
    public static SolveOptions Default { get; } = new(Duration.FromSeconds(10), 0, 0) { Conservative = false };

    /// <summary>
    /// Gets whether every CP-SAT call runs with conservative parameters (presolve off): slower, but clear of the
    /// presolve faults some CP-SAT releases have; <see langword="null"/> falls back to the next level, and to
    /// <see langword="false"/> at the end. The isolated scheduler's retry after a worker died sets it.
    /// </summary>
    public bool? Conservative { get; init; }

    /// <summary>
    /// The time limit for a number of seconds as a file or a command line gives it: within the bounds, rounded to the
    /// millisecond (at least one); outside them (0, negative, too long) a limit just as far outside, so that
    /// <see cref="Validate"/> reports it with the value given.
    /// </summary>
    /// <param name="seconds">The seconds given.</param>
    /// <returns>The limit.</returns>
    public static Duration TimeLimitFromSeconds(double seconds) =>
        seconds is > 0 and <= MaxTimeLimitSeconds ? Duration.FromMilliseconds(Math.Max(1, Math.Round(seconds * 1000)))
        : double.IsNaN(seconds) ? Duration.Zero
        : Duration.FromSeconds(Math.Clamp(seconds, -1e9, 1e9));

    /// <summary>These options, each value not given taken from <paramref name="fallback"/>.</summary>
    /// <param name="fallback">The next level; <see langword="null"/> for none.</param>
    /// <returns>The merged options.</returns>
    public SolveOptions Or(SolveOptions? fallback) => fallback is null
        ? this
        : new(TimeLimit ?? fallback.TimeLimit, Workers ?? fallback.Workers, Seed ?? fallback.Seed, SoftRules ?? fallback.SoftRules)
        {
            Conservative = Conservative ?? fallback.Conservative,
        };

    /// <summary>
    /// Every value outside its bounds, each error's path the caller's <paramref name="prefix"/> followed by the option's
    /// name spelled as <paramref name="naming"/> says: <c>options.workers</c> (prefix <c>options.</c>, file names),
    /// <c>--workers</c> (prefix <c>--</c>, command-line names), <c>SchedulingOptions.Workers</c> (property names). The
    /// fields of <see cref="SoftRules"/> keep their file names (<c>options.softRules.balanceWeight</c>).
    /// </summary>
    /// <param name="prefix">What each path starts with.</param>
    /// <param name="naming">How the options are named where they were given.</param>
    /// <returns>The errors; empty when every value is within its bounds.</returns>
    public IReadOnlyList<ValidationError> Validate(string prefix, OptionNaming naming)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var errors = new List<ValidationError>();
        string Path(string file, string commandLine, string property) => prefix + naming switch
        {
            OptionNaming.File => file,
            OptionNaming.CommandLine => commandLine,
            _ => property,
        };

        if (TimeLimit is { } limit && (limit <= Duration.Zero || limit > Duration.FromSeconds(MaxTimeLimitSeconds)))
        {
            errors.Add(new(Path("timeLimitSeconds", "time-limit", nameof(TimeLimit)),
                $"must be above 0 and at most {MaxTimeLimitSeconds} seconds, found {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (Workers is < 0 or > MaxWorkers)
        {
            errors.Add(new(Path("workers", "workers", nameof(Workers)), $"must be from 0 (the machine's core count) to {MaxWorkers}, found {Workers}"));
        }

        if (Seed is < 0)
        {
            errors.Add(new(Path("seed", "seed", nameof(Seed)), $"must not be negative, found {Seed}"));
        }

        if (SoftRules is { } soft)
        {
            var path = Path("softRules", "soft-rules", nameof(SoftRules));
            foreach (var (name, value) in new[] { ("continuityWeight", soft.Continuity), ("dailyCapWeight", soft.DailyCap), ("balanceWeight", soft.Balance) })
            {
                if (value is < 0 or > MaxSoftRuleValue)
                {
                    errors.Add(new($"{path}.{name}", $"must be from 0 to {MaxSoftRuleValue}, found {value}"));
                }
            }

            if (soft.DefaultDailyCap is < 1 or > MaxSoftRuleValue)
            {
                errors.Add(new($"{path}.dailyCap", $"must be from 1 to {MaxSoftRuleValue}, found {soft.DefaultDailyCap}"));
            }
        }

        return errors;
    }
}

/// <summary>How the options are named where they were given, for the paths of <see cref="SolveOptions.Validate"/>.</summary>
public enum OptionNaming
{
    /// <summary>The problem file's names: <c>timeLimitSeconds</c>, <c>workers</c>, <c>seed</c>, <c>softRules</c>.</summary>
    File,

    /// <summary>The console's flags without their dashes: <c>time-limit</c>, <c>workers</c>, <c>seed</c>.</summary>
    CommandLine,

    /// <summary>The property names: <c>TimeLimit</c>, <c>Workers</c>, <c>Seed</c>, <c>SoftRules</c>.</summary>
    Property,
}
