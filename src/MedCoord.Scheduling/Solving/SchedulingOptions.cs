using Microsoft.Extensions.Options;

namespace MedCoord.Scheduling.Solving;

/// <summary>Defaults for solving, used where neither the call nor the problem gives a value.</summary>
public sealed class SchedulingOptions
{
    /// <summary>Gets or sets the wall-clock limit of a solve.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the number of CP-SAT worker threads; 0 means the machine's core count. Problems improved
    /// neighbourhood by neighbourhood solve this many neighbourhoods at once, one worker each.
    /// </summary>
    /// <value>The default is 0.</value>
    public int Workers { get; set; }

    /// <summary>Gets or sets the random seed; with one worker the same seed gives the same schedule.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    internal SchedulingOptions Clone() => new() { TimeLimit = TimeLimit, Workers = Workers, Seed = Seed };
}

/// <summary>Validates <see cref="SchedulingOptions"/> once, at start.</summary>
internal sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        var failures = new List<string>();
        if (options.TimeLimit <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(SchedulingOptions.TimeLimit)} must be positive, found {options.TimeLimit}.");
        }

        if (options.Workers is < 0 or > 256)
        {
            failures.Add($"{nameof(SchedulingOptions.Workers)} must be from 0 (the machine's core count) to 256, found {options.Workers}.");
        }

        if (options.Seed < 0)
        {
            failures.Add($"{nameof(SchedulingOptions.Seed)} must not be negative, found {options.Seed}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
