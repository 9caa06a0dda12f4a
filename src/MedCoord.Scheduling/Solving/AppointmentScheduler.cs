using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MedCoord.Scheduling.Solving.CpSat;
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
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    Schedule Solve(Problem problem, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Solves a problem validated once already (<see cref="Serialization.ProblemFile.TryRead(string, out ValidatedProblem?)"/>, <see cref="ValidatedProblem.TryCreate"/>), without validating it again.</summary>
    /// <param name="problem">The validated problem.</param>
    /// <param name="options">Overrides of the problem's own options and the configured defaults.</param>
    /// <param name="progress">Receives each improved schedule and the bound.</param>
    /// <param name="cancellationToken">Stops the search; the best schedule so far is returned.</param>
    /// <returns>The schedule.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    Schedule Solve(ValidatedProblem problem, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-plans after a change (time off, a closure, new requests): every appointment of the previous schedule that
    /// still obeys every rule stays where it was unless moving it books strictly more priority; then waiting and
    /// preference as in <see cref="Solve(Problem, SolveOptions?, IProgress{SolveProgress}?, CancellationToken)"/>. Every moved or dropped appointment is reported with the reason.
    /// </summary>
    /// <param name="problem">The changed problem.</param>
    /// <param name="previous">The schedule made before the change.</param>
    /// <param name="options">Overrides of the problem's own options and the configured defaults.</param>
    /// <param name="progress">Receives each improved schedule.</param>
    /// <param name="cancellationToken">Stops the search; the best schedule so far is returned.</param>
    /// <returns>The new schedule and the changes.</returns>
    /// <exception cref="ProblemValidationException">The problem or the previous schedule is bad input (see <c>docs/problem-format.md</c>: a previous book).</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    ReplanResult Replan(Problem problem, Schedule previous, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Re-plans a problem validated once already, without validating it again (the previous schedule is still checked against it).</summary>
    /// <param name="problem">The changed problem, validated.</param>
    /// <param name="previous">The schedule made before the change.</param>
    /// <param name="options">Overrides of the problem's own options and the configured defaults.</param>
    /// <param name="progress">Receives each improved schedule.</param>
    /// <param name="cancellationToken">Stops the search; the best schedule so far is returned.</param>
    /// <returns>The new schedule and the changes.</returns>
    /// <exception cref="ProblemValidationException">The previous schedule does not fit the problem.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    ReplanResult Replan(ValidatedProblem problem, Schedule previous, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// The CP-SAT appointment scheduler. Thread safety: an instance holds only its options and may be shared; each call
/// to <see cref="Solve(Problem, SolveOptions?, IProgress{SolveProgress}?, CancellationToken)"/> builds its own model.
/// </summary>
public sealed class AppointmentScheduler : IAppointmentScheduler
{
    private readonly SolveOptions _defaults;
    private readonly ILogger _logger;

    /// <summary>Creates a scheduler with default options.</summary>
    public AppointmentScheduler()
        : this(new SchedulingOptions())
    {
    }

    /// <summary>Creates a scheduler with the given defaults.</summary>
    /// <param name="defaults">Defaults for settings neither the call nor the problem gives.</param>
    public AppointmentScheduler(SchedulingOptions defaults)
        : this(defaults, NullLogger<AppointmentScheduler>.Instance)
    {
    }

    /// <summary>Creates a scheduler with the given defaults and a logger.</summary>
    /// <param name="defaults">Defaults for settings neither the call nor the problem gives.</param>
    /// <param name="logger">Receives what each solve dropped and how it finished (ids and counts only).</param>
    public AppointmentScheduler(SchedulingOptions defaults, ILogger<AppointmentScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        ArgumentNullException.ThrowIfNull(defaults);
        var errors = defaults.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(defaults));
        }

        _defaults = defaults.Defaults.Or(SolveOptions.Default);
    }

    /// <summary>Creates a scheduler from configured options (dependency injection, where no logging is registered).</summary>
    /// <param name="options">The configured options.</param>
    public AppointmentScheduler(IOptions<SchedulingOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Creates a scheduler from configured options and the host's logging (dependency injection).</summary>
    /// <param name="options">The configured options.</param>
    /// <param name="logger">Receives what each solve dropped and how it finished (ids and counts only).</param>
    public AppointmentScheduler(IOptions<SchedulingOptions> options, ILogger<AppointmentScheduler> logger)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, logger)
    {
    }

    /// <summary>Gets the largest model, in choice literals, solved whole; tests lower it to exercise the neighbourhood search.</summary>
    internal long WholeModelLimit { get; init; } = SolveSettings.DefaultWholeModelLimit;

    /// <summary>Gets, when set, how many requests each neighbourhood frees at most, instead of a size adapted as the search goes; tests set it small to run many neighbourhoods side by side.</summary>
    internal int? NeighbourhoodSize { get; init; }

    /// <inheritdoc />
    public IReadOnlyList<ValidationError> Validate(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return ProblemValidator.Validate(problem);
    }

    /// <inheritdoc />
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public Schedule Solve(Problem problem, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Solve(ValidatedProblem.Create(problem), options, progress, cancellationToken);

    /// <inheritdoc />
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public Schedule Solve(ValidatedProblem problem, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(problem, options, (calendar, candidates, settings, clock) => Search(calendar, candidates, settings, progress, cancellationToken, clock), cancellationToken).Schedule;

    /// <summary>
    /// Expands the validated problem's candidates, runs <paramref name="search"/> and builds the schedule. After a
    /// cancellation, what follows the search keeps to <see cref="ExplanationBudget.ExplainUntil"/>.
    /// </summary>
    internal (Calendar Calendar, Schedule Schedule) Run(ValidatedProblem problem, SolveOptions? options,
        Func<Calendar, IReadOnlyList<RequestCandidates>, SolveSettings, Stopwatch, PhasedResult> search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var settings = Resolve(options, problem.Problem.Options) with { Cancellation = cancellationToken };
        var clock = Stopwatch.StartNew();
        var calendar = problem.Calendar;
        var candidates = RequestCandidates.Build(calendar);
        var result = Complete(candidates, search(calendar, candidates, settings, clock), settings);
        var until = ExplanationBudget.ExplainUntil(cancellationToken.IsCancellationRequested, settings.TimeLimit.ToTimeSpan(), clock.Elapsed);
        if (result.Status == ScheduleStatus.Infeasible)
        {
            result = result with { Conflict = FixedConflict.Find(candidates, ExplanationBudget.ConflictSearchTime(until, clock.Elapsed), settings) };
        }

        var schedule = ScheduleBuilder.Build(calendar, candidates, result, SoftRules.From(calendar, settings.SoftRules),
            () => new SolveStats(Math.Round(clock.Elapsed.TotalSeconds, 3), settings.Workers, settings.Seed) { DroppedSolutions = settings.Monitor.DroppedSolutions },
            until, () => clock.Elapsed, settings);
        Log.SolveFinished(_logger, schedule.Status.ToString(), schedule.Assignments.Count, candidates.Count, schedule.Stats.DroppedSolutions, schedule.Stats.WallSeconds);
        return (calendar, schedule);
    }

    /// <summary>
    /// The last gate before a schedule is built: placements that break a rule are dropped (and with them any claim of
    /// optimality or bound), then every waiting request that still fits is inserted without moving anything, so the
    /// book returned is maximal.
    /// </summary>
    internal static PhasedResult Complete(IReadOnlyList<RequestCandidates> candidates, PhasedResult result, SolveSettings settings)
    {
        if (result.Placements is not { } placements)
        {
            return result;
        }

        var byId = candidates.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        var trivialBound = candidates.Where(c => c.CanBeScheduled).Sum(c => (long)c.Request.Priority);
        if (PlacementCheck.FirstViolation(byId, placements) is { } why)
        {
            settings.Monitor.PlacementsDropped("the search", why);
            placements = PlacementCheck.KeepValid(byId, placements);
            result = result with { Status = ScheduleStatus.Feasible, Placements = placements, PriorityBound = trivialBound };
        }

        // In start order, so that each booking joins the end of its resources' lists.
        var book = new Book();
        foreach (var (id, placement) in placements.OrderBy(p => p.Value.Start))
        {
            book.Add(byId[id], placement);
        }

        var before = book.Placements.Count;
        FirstFitHeuristic.Place(candidates, book);
        if (book.Placements.Count == before || PlacementCheck.FirstViolation(byId, book.Placements) is not null)
        {
            return result;
        }

        // A request that still fits adds priority: a search that called its schedule optimal without it, or proved a
        // bound below what the book now holds, was wrong, and only the trivial bound is left.
        var priority = book.Placements.Keys.Sum(id => (long)byId[id].Request.Priority);
        return result with
        {
            Status = result.Status == ScheduleStatus.Optimal ? ScheduleStatus.Feasible : result.Status,
            Placements = book.Placements,
            PriorityBound = result.Status == ScheduleStatus.Optimal || priority > result.PriorityBound ? trivialBound : result.PriorityBound,
        };
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

        if (ByNeighbourhoods(candidates, settings) && FirstFitHeuristic.PlaceKeepingLinks(candidates) is { } book)
        {
            return new NeighbourhoodSearch(calendar, candidates, settings, progress, cancellationToken, clock).Improve(book);
        }

        var capacityBound = CapacityBound.Compute(calendar, candidates, settings.TimeLimit.ToTimeSpan() * CapacityBound.TimeShare);
        var whole = new PhasedSolver(new ScheduleModel(candidates, soft: SoftRules.From(calendar, settings.SoftRules)), capacityBound, settings, progress, cancellationToken, clock).Solve();
        if (whole is not { Status: ScheduleStatus.Feasible, Placements: { } placements }
            || !LevelOneOpen(whole.PriorityBound, placements.Keys.Sum(id => (long)calendar.Requests[id].Priority), cancellationToken.IsCancellationRequested, clock.Elapsed.TotalSeconds, settings.TimeLimit.TotalSeconds))
        {
            return whole;
        }

        // Level 1 is not proven: improve its schedule neighbourhood by neighbourhood for the rest of the time. Both
        // bounds hold, so the lower one is kept.
        var byId = candidates.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        var start = new Book();
        foreach (var (id, placement) in placements)
        {
            start.Add(byId[id], placement);
        }

        var improved = new NeighbourhoodSearch(calendar, candidates, settings, progress, cancellationToken, clock).Improve(start);
        var priority = improved.Placements!.Keys.Sum(id => (long)calendar.Requests[id].Priority);
        return improved with { PriorityBound = BothBounds(priority, improved.PriorityBound, whole.PriorityBound) };
    }

    /// <summary>
    /// Whether the problem is too large for one model: its estimated choice literals (with a literal per provider and
    /// day where the daily cap is weighted) are more than the whole-model limit.
    /// </summary>
    internal static bool ByNeighbourhoods(IReadOnlyList<RequestCandidates> candidates, SolveSettings settings) =>
        ScheduleModel.SizeOf(candidates, settings.SoftRules is { DailyCap: > 0 }) > settings.WholeModelLimit;

    /// <summary>Whether a feasible whole-model schedule is left to the neighbourhood search: level 1 is unproven (its bound above what is booked) and the search's share of time is not used up.</summary>
    /// <param name="bound">The whole model's bound on priority.</param>
    /// <param name="booked">The priority its schedule books.</param>
    /// <param name="cancelled">Whether the solve was cancelled.</param>
    /// <param name="elapsedSeconds">Time since the solve began.</param>
    /// <param name="timeLimitSeconds">The solve's time limit.</param>
    internal static bool LevelOneOpen(long bound, long booked, bool cancelled, double elapsedSeconds, double timeLimitSeconds) =>
        bound > booked && !cancelled && elapsedSeconds < timeLimitSeconds * PhasedSolver.SearchShare;

    /// <summary>Two proven bounds on priority both hold: the lower one, never below what is booked.</summary>
    /// <param name="booked">The priority the schedule books.</param>
    /// <param name="first">One bound.</param>
    /// <param name="second">The other.</param>
    internal static long BothBounds(long booked, long first, long second) => Math.Max(booked, Math.Min(first, second));

    /// <inheritdoc />
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public ReplanResult Replan(Problem problem, Schedule previous, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(previous);
        return Replan(ValidatedProblem.Create(problem), previous, options, progress, cancellationToken);
    }

    /// <inheritdoc />
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public ReplanResult Replan(ValidatedProblem problem, Schedule previous, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(previous);
        BookReader.ThrowIfInvalid(problem, previous, previous: true);
        IReadOnlyDictionary<string, string> displaced = new Dictionary<string, string>();
        var (calendar, schedule) = Run(problem, options, (calendar, candidates, settings, clock) =>
        {
            var (kept, anchors, why) = Replanning.Keep(calendar, candidates, previous);
            displaced = why;
            if (candidates.Any(c => c.Fixed is not null && !c.CanBeScheduled))
            {
                return new PhasedResult(ScheduleStatus.Infeasible, null, 0);
            }

            // Where first fit cannot complete around what stands (a fixed booking's link), solve afresh.
            return FirstFitHeuristic.PlaceKeepingLinks(candidates, kept) is { } book
                ? new NeighbourhoodSearch(calendar, candidates, settings, progress, cancellationToken, clock, anchors).Improve(book)
                : Search(calendar, candidates, settings, progress, cancellationToken, clock);
        }, cancellationToken);
        return new ReplanResult(schedule, Replanning.Changes(previous, schedule, displaced, calendar.Requests.Keys.ToHashSet(StringComparer.Ordinal)));
    }

    /// <summary>Resolves the settings of a solve: the call's options, then the problem's, then the configured defaults; throws on a bad value of the call (the problem's were validated with it).</summary>
    internal SolveSettings Resolve(SolveOptions? call, SolveOptions? problem)
    {
        if (call?.Validate(string.Empty, OptionNaming.Property) is [var first, ..] errors)
        {
            throw new ArgumentOutOfRangeException(first.Path.Split('.')[0], string.Join("; ", errors));
        }

        var options = (call ?? new SolveOptions()).Or(problem).Or(_defaults);
        var workers = options.Workers!.Value;
        return new SolveSettings(options.TimeLimit!.Value, workers == 0 ? Environment.ProcessorCount : workers, options.Seed!.Value, WholeModelLimit, options.SoftRules, NeighbourhoodSize)
        {
            Monitor = new SolveMonitor(_logger),
            Conservative = options.Conservative!.Value,
        };
    }
}
