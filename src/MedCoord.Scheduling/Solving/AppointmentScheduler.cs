using System.Diagnostics;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.Options;
using NodaTime;

namespace MedCoord.Scheduling.Solving;

/// <summary>Solves appointment allocation problems.</summary>
public interface IAppointmentScheduler
{
    /// <summary>Checks a problem against every bad-input rule of the format.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns>Every error found; empty when the problem is valid.</returns>
    IReadOnlyList<ValidationError> Validate(Problem problem);

    /// <summary>Solves a problem: books what it can, explains what it cannot.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Overrides of the problem's own options and the configured defaults.</param>
    /// <param name="progress">Receives each improved schedule and the bound.</param>
    /// <param name="cancellationToken">Stops the search; the best schedule so far is returned.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ProblemValidationException">The problem is bad input; the exception lists every error.</exception>
    Schedule Solve(Problem problem, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// The CP-SAT appointment scheduler. Thread safety: an instance holds only its options and may be shared; each call
/// to <see cref="Solve"/> builds its own model.
/// </summary>
public sealed class AppointmentScheduler : IAppointmentScheduler
{
    private readonly SchedulingOptions _defaults;

    /// <summary>Creates a scheduler with default options.</summary>
    public AppointmentScheduler()
        : this(new SchedulingOptions())
    {
    }

    /// <summary>Creates a scheduler with the given defaults.</summary>
    /// <param name="defaults">Defaults for settings neither the call nor the problem gives.</param>
    public AppointmentScheduler(SchedulingOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var errors = new SchedulingOptionsValidator().Validate(null, defaults);
        if (errors.Failed)
        {
            throw new ArgumentException(errors.FailureMessage, nameof(defaults));
        }

        _defaults = defaults.Clone();
    }

    /// <summary>Creates a scheduler from configured options (dependency injection).</summary>
    /// <param name="options">The configured options.</param>
    public AppointmentScheduler(IOptions<SchedulingOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Gets the largest model, in choice literals, solved whole; tests lower it to exercise the neighbourhood search.</summary>
    internal long WholeModelLimit { get; init; } = SolveSettings.DefaultWholeModelLimit;

    /// <inheritdoc />
    public IReadOnlyList<ValidationError> Validate(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return ProblemValidator.Validate(problem);
    }

    /// <inheritdoc />
    public Schedule Solve(Problem problem, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var errors = ProblemValidator.Validate(problem);
        if (errors.Count > 0)
        {
            throw new ProblemValidationException(errors);
        }

        var settings = Resolve(options, problem.Options);
        var clock = Stopwatch.StartNew();
        var calendar = new Calendar(problem);
        var candidates = RequestCandidates.Build(calendar);

        var result = Search(calendar, candidates, settings, progress, cancellationToken, clock);

        return ScheduleBuilder.Build(calendar, candidates, result,
            () => new SolveStats(Math.Round(clock.Elapsed.TotalSeconds, 3), settings.Workers, settings.Seed),
            settings.TimeLimit.ToTimeSpan(), () => clock.Elapsed);
    }

    /// <summary>
    /// Small and medium problems are solved as one model, which proves optimality and bounds; larger ones start from
    /// first fit and are improved neighbourhood by neighbourhood, which keeps time and memory in proportion to the
    /// neighbourhoods rather than to the whole problem.
    /// </summary>
    internal static PhasedResult Search(Calendar calendar, IReadOnlyList<RequestCandidates> candidates, SolveSettings settings, IProgress<SolveProgress>? progress, CancellationToken cancellationToken, Stopwatch clock)
    {
        if (candidates.Any(c => c.Fixed is not null && !c.CanBeScheduled))
        {
            return new PhasedResult(ScheduleStatus.Infeasible, null, 0);
        }

        if (ScheduleModel.SizeOf(candidates) > settings.WholeModelLimit && FirstFitHeuristic.PlaceKeepingLinks(candidates) is { } book)
        {
            return new NeighbourhoodSearch(calendar, candidates, settings, progress, cancellationToken, clock).Improve(book);
        }

        var capacityBound = CapacityBound.Compute(calendar, candidates, settings.TimeLimit.ToTimeSpan() * CapacityBound.TimeShare);
        return new PhasedSolver(new ScheduleModel(candidates), capacityBound, settings, progress, cancellationToken, clock).Solve();
    }

    private SolveSettings Resolve(SolveOptions? call, SolveOptions? problem)
    {
        var limit = call?.TimeLimit ?? problem?.TimeLimit ?? Duration.FromTimeSpan(_defaults.TimeLimit);
        var workers = call?.Workers ?? problem?.Workers ?? _defaults.Workers;
        var seed = call?.Seed ?? problem?.Seed ?? _defaults.Seed;
        if (limit <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(call), limit, "The time limit must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(workers, nameof(SolveOptions.Workers));
        ArgumentOutOfRangeException.ThrowIfNegative(seed, nameof(SolveOptions.Seed));
        return new SolveSettings(limit, workers == 0 ? Environment.ProcessorCount : workers, seed, WholeModelLimit);
    }
}
