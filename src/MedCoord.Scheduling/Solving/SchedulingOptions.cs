using MedCoord.Scheduling.Model;
using Microsoft.Extensions.Options;
using NodaTime;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// The configured defaults of a scheduler (dependency injection): a <see cref="SolveOptions"/> used where neither the
/// call nor the problem gives a value, settable through <see cref="Defaults"/> or, for the usual three, the properties
/// below. Bounds and built-in defaults are <see cref="SolveOptions"/>'s.
/// </summary>
public sealed class SchedulingOptions
{
    /// <summary>Gets or sets the defaults; a value left <see langword="null"/> is <see cref="SolveOptions.Default"/>'s.</summary>
    /// <value>The default is <see cref="SolveOptions.Default"/>.</value>
    public SolveOptions Defaults { get; set; } = SolveOptions.Default;

    /// <summary>Gets or sets the wall-clock limit of a solve (<see cref="SolveOptions.TimeLimit"/> of <see cref="Defaults"/>).</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan TimeLimit
    {
        get => (Defaults.TimeLimit ?? SolveOptions.Default.TimeLimit!.Value).ToTimeSpan();
        set => Defaults = Defaults with { TimeLimit = Duration.FromTimeSpan(value) };
    }

    /// <summary>
    /// Gets or sets the number of CP-SAT worker threads; 0 means the machine's core count. Problems improved
    /// neighbourhood by neighbourhood solve this many neighbourhoods at once, one worker each.
    /// </summary>
    /// <value>The default is 0.</value>
    public int Workers
    {
        get => Defaults.Workers ?? SolveOptions.Default.Workers!.Value;
        set => Defaults = Defaults with { Workers = value };
    }

    /// <summary>Gets or sets the random seed; with one worker the same seed gives the same schedule.</summary>
    /// <value>The default is 0.</value>
    public int Seed
    {
        get => Defaults.Seed ?? SolveOptions.Default.Seed!.Value;
        set => Defaults = Defaults with { Seed = value };
    }

    /// <summary>Every error of <see cref="Defaults"/>, each path starting with <c>SchedulingOptions.</c>.</summary>
    internal IReadOnlyList<Validation.ValidationError> Validate() => Defaults is null
        ? [new($"{nameof(SchedulingOptions)}.{nameof(Defaults)}", "must not be null")]
        : Defaults.Validate($"{nameof(SchedulingOptions)}.", OptionNaming.Property);
}

/// <summary>Validates <see cref="SchedulingOptions"/> once, at start, through <see cref="SolveOptions.Validate"/>.</summary>
internal sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.ToString()));
    }
}
