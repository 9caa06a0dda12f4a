using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Results;

/// <summary>How final a result is (FHIR Observation/DiagnosticReport status).</summary>
public enum ResultStatus
{
    /// <summary>Early, may change.</summary>
    Preliminary,

    /// <summary>Complete and verified.</summary>
    Final,

    /// <summary>Changed after it was final.</summary>
    Amended,
}

/// <summary>A lab or imaging result as it arrives. Opaque ids only.</summary>
/// <param name="Id">The result's id; a later version of the same result keeps it.</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="OrderingProviderId">Who ordered it and reviews it.</param>
/// <param name="Kind">"lab" or "imaging".</param>
/// <param name="Status">Preliminary, final or amended.</param>
/// <param name="Abnormal">Whether any value is outside its reference range.</param>
public sealed record IncomingResult(string Id, string PatientId, string OrderingProviderId, string Kind, ResultStatus Status, bool Abnormal);

/// <summary>What a relay task asks for.</summary>
public enum RelayStep
{
    /// <summary>The ordering provider reviews the result.</summary>
    ProviderReview,

    /// <summary>The patient is told the reviewed result.</summary>
    PatientNotification,
}

/// <summary>One step of relaying one version of a result.</summary>
/// <param name="Id">The task id: result id, version and step.</param>
/// <param name="ResultId">The result.</param>
/// <param name="Version">Which arrival of the result (1 for the first).</param>
/// <param name="Step">Review or notification.</param>
/// <param name="Urgent">True for abnormal results.</param>
/// <param name="AssignedTo">The provider (review) or the patient (notification), by opaque id.</param>
/// <param name="CreatedAt">When the task was made.</param>
/// <param name="DoneAt">When it was done; null while open.</param>
/// <param name="DoneBy">Who did it.</param>
/// <param name="Superseded">True when a newer version of the result replaced it before it was done.</param>
/// <param name="ReleasedAt">A patient notification: when the provider released the result to the patient (its outbox message planned); null until then.</param>
/// <param name="ReleasedBy">Who released it.</param>
public sealed record RelayTask(
    string Id,
    string ResultId,
    int Version,
    RelayStep Step,
    bool Urgent,
    string AssignedTo,
    Instant CreatedAt,
    Instant? DoneAt,
    string? DoneBy,
    bool Superseded,
    Instant? ReleasedAt = null,
    string? ReleasedBy = null)
{
    /// <summary>Gets whether the task still needs doing.</summary>
    public bool IsOpen => DoneAt is null && !Superseded;
}

/// <summary>How long relay tasks may stay open before they are on the worklist. Mutable options, validated by <see cref="Validate"/>.</summary>
public sealed class ResultsRelayOptions
{
    /// <summary>Gets or sets how long a normal result's task may stay open.</summary>
    /// <value>The default is 3 days.</value>
    public Duration NormalWithin { get; set; } = Duration.FromDays(3);

    /// <summary>Gets or sets how long an abnormal (urgent) result's task may stay open.</summary>
    /// <value>The default is 4 hours.</value>
    public Duration UrgentWithin { get; set; } = Duration.FromHours(4);

    /// <summary>Every problem with the options.</summary>
    /// <returns>One error per problem, its path the option; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate()
    {
        var problems = new List<ValidationError>();
        if (NormalWithin <= Duration.Zero)
        {
            problems.Add(new($"NormalWithin", $"must be positive, found {NormalWithin}"));
        }

        if (UrgentWithin <= Duration.Zero || UrgentWithin > NormalWithin)
        {
            problems.Add(new($"UrgentWithin", $"must be positive and at most NormalWithin, found {UrgentWithin}"));
        }

        return problems;
    }
}

/// <summary>One result and every task it gave rise to: what the engine stores per result.</summary>
/// <param name="Latest">The latest version received.</param>
/// <param name="Version">How many versions were received.</param>
/// <param name="Tasks">Every task, open or not, in creation order.</param>
public sealed record ResultThread(IncomingResult Latest, int Version, IReadOnlyList<RelayTask> Tasks)
{
    /// <summary>Gets the result id (the stored record's id).</summary>
    public string Id => Latest.Id;
}

/// <summary>
/// Results relay rules on one result's thread: a result (or a new version) opens a provider review, urgent when
/// abnormal, and supersedes the open tasks of older versions; a review done opens the patient notification, which the
/// provider releases (the engine then plans its outbox message) and which is done when the message is delivered or
/// someone records telling the patient another way; open tasks past their age limit are overdue. Pure and thread
/// safe: threads are immutable.
/// </summary>
public static class ResultThreads
{
    /// <summary>Takes in a result or a new version of one.</summary>
    /// <param name="thread">The result's thread so far, or null for a new result.</param>
    /// <param name="result">The result.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The thread with the review task last.</returns>
    /// <exception cref="ValidationException">It is another result, a preliminary after a final one, or for another patient or ordering provider (paths <c>result.id</c>, <c>result.status</c>, <c>result.patientId</c>, <c>result.orderingProviderId</c>).</exception>
    public static ResultThread Receive(ResultThread? thread, IncomingResult result, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrWhiteSpace(result.Id);
        if (thread is null)
        {
            return new ResultThread(result, 1, [Open(result, 1, RelayStep.ProviderReview, result.OrderingProviderId, clock)]);
        }

        var previous = thread.Latest;
        if (previous.Id != result.Id)
        {
            throw Refused("id", $"result '{result.Id}' does not belong to the thread of result '{previous.Id}'");
        }

        if (previous.PatientId != result.PatientId || previous.OrderingProviderId != result.OrderingProviderId)
        {
            throw Refused(previous.PatientId != result.PatientId ? "patientId" : "orderingProviderId", $"result '{result.Id}' arrived for a different patient or ordering provider than before");
        }

        if (result.Status == ResultStatus.Preliminary && previous.Status != ResultStatus.Preliminary)
        {
            throw Refused("status", $"result '{result.Id}' is already {previous.Status}; a preliminary version cannot follow it");
        }

        var version = thread.Version + 1;
        var tasks = thread.Tasks.Select(t => t.IsOpen ? t with { Superseded = true } : t).ToList();
        tasks.Add(Open(result, version, RelayStep.ProviderReview, result.OrderingProviderId, clock));
        return new ResultThread(result, version, tasks);
    }

    /// <summary>Marks a task done; a review done opens the notification of the patient.</summary>
    /// <param name="thread">The result's thread.</param>
    /// <param name="taskId">An open task of it.</param>
    /// <param name="actor">Who did it.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The thread after it, and the notification task a review opens (or null).</returns>
    /// <exception cref="ArgumentException">The task is unknown, already done, or superseded.</exception>
    public static (ResultThread Thread, RelayTask? Opened) Complete(ResultThread thread, string taskId, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(thread);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(clock);
        var task = OpenTask(thread, taskId);
        var tasks = thread.Tasks.Select(t => t.Id == taskId ? t with { DoneAt = clock.GetCurrentInstant(), DoneBy = actor } : t).ToList();
        RelayTask? opened = null;
        if (task.Step == RelayStep.ProviderReview)
        {
            opened = Open(thread.Latest, thread.Version, RelayStep.PatientNotification, thread.Latest.PatientId, clock);
            tasks.Add(opened);
        }

        return (thread with { Tasks = tasks }, opened);
    }

    /// <summary>The provider releases a reviewed result to the patient: the open notification task is marked released.</summary>
    /// <param name="thread">The result's thread.</param>
    /// <param name="taskId">Its open patient-notification task.</param>
    /// <param name="actor">Who releases it.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The thread after it, and the released task.</returns>
    /// <exception cref="ArgumentException">The task is unknown, not a patient notification, done or superseded.</exception>
    public static (ResultThread Thread, RelayTask Released) Release(ResultThread thread, string taskId, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(thread);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(clock);
        var task = OpenTask(thread, taskId);
        if (task.Step != RelayStep.PatientNotification)
        {
            throw new ArgumentException($"task '{taskId}' is a {task.Step}; only a patient notification is released", nameof(taskId));
        }

        var released = task with { ReleasedAt = clock.GetCurrentInstant(), ReleasedBy = actor };
        return (thread with { Tasks = [.. thread.Tasks.Select(t => t.Id == taskId ? released : t)] }, released);
    }

    /// <summary>Open tasks past their age limit, urgent first, then oldest first.</summary>
    /// <param name="threads">Result threads.</param>
    /// <param name="options">Age limits.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The worklist.</returns>
    public static IReadOnlyList<RelayTask> Overdue(IEnumerable<ResultThread> threads, ResultsRelayOptions options, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(threads);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetCurrentInstant();
        return [.. threads.SelectMany(t => t.Tasks)
            .Where(t => t.IsOpen && now - t.CreatedAt > (t.Urgent ? options.UrgentWithin : options.NormalWithin))
            .OrderByDescending(t => t.Urgent).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
    }

    private static RelayTask OpenTask(ResultThread thread, string taskId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        var task = thread.Tasks.FirstOrDefault(t => t.Id == taskId) ?? throw new ArgumentException($"unknown task '{taskId}'", nameof(taskId));
        return task.IsOpen ? task
            : throw new ArgumentException($"task '{taskId}' is {(task.Superseded ? "superseded by a newer version of its result" : "already done")}", nameof(taskId));
    }

    private static RelayTask Open(IncomingResult result, int version, RelayStep step, string assignedTo, IClock clock) =>
        new($"{result.Id}/v{version}/{step}", result.Id, version, step, result.Abnormal, assignedTo, clock.GetCurrentInstant(), null, null, false);

    private static ValidationException Refused(string field, string message) =>
        new([new ValidationError($"result.{field}", message)], "result", "result");
}

/// <summary>
/// Results relay in memory: every arriving result (or new version of one) gets a provider-review task, urgent when
/// abnormal; a review done creates the patient-notification task; a newer version supersedes the open tasks of older
/// ones. Tasks open past their age limit form the worklist. Time comes from the injected clock. Not thread safe: a host
/// serialises calls (or keeps one relay per unit of work). The rules are <see cref="ResultThreads"/>'; the engine
/// stores threads through its store.
/// </summary>
public sealed class ResultsRelay
{
    private readonly IClock _clock;
    private readonly ResultsRelayOptions _options;
    private readonly Dictionary<string, ResultThread> _threads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _resultOfTask = new(StringComparer.Ordinal);

    /// <summary>Creates a relay.</summary>
    /// <param name="clock">The clock.</param>
    /// <param name="options">Age limits.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public ResultsRelay(IClock clock, ResultsRelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        ValidationException.ThrowIfAny(options.Validate(), "results relay options", nameof(options));

        (_clock, _options) = (clock, options);
    }

    /// <summary>Gets every task, open or not, in creation order.</summary>
    public IReadOnlyList<RelayTask> Tasks => [.. _threads.Values.SelectMany(t => t.Tasks).OrderBy(t => t.CreatedAt)];

    /// <summary>Takes in a result or a new version of one: supersedes the older version's open tasks and opens a review.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The review task.</returns>
    /// <exception cref="ValidationException">A preliminary result arrives after a final one, or the patient or ordering provider changed (each named by its path).</exception>
    public RelayTask Receive(IncomingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var thread = ResultThreads.Receive(_threads.GetValueOrDefault(result.Id ?? string.Empty), result, _clock);
        _threads[result.Id!] = thread;
        _resultOfTask[thread.Tasks[^1].Id] = result.Id!;
        return thread.Tasks[^1];
    }

    /// <summary>Marks a task done; a review done opens the notification of the patient.</summary>
    /// <param name="taskId">An open task.</param>
    /// <param name="actor">Who did it.</param>
    /// <returns>The notification task a review opens, or null.</returns>
    /// <exception cref="ArgumentException">The task is unknown, already done, or superseded.</exception>
    public RelayTask? Complete(string taskId, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        if (!_resultOfTask.TryGetValue(taskId, out var resultId))
        {
            throw new ArgumentException($"unknown task '{taskId}'", nameof(taskId));
        }

        var (thread, opened) = ResultThreads.Complete(_threads[resultId], taskId, actor, _clock);
        _threads[resultId] = thread;
        if (opened is not null)
        {
            _resultOfTask[opened.Id] = resultId;
        }

        return opened;
    }

    /// <summary>Open tasks past their age limit, urgent first, then oldest first.</summary>
    /// <returns>The worklist.</returns>
    public IReadOnlyList<RelayTask> Overdue() => ResultThreads.Overdue(_threads.Values, _options, _clock);
}
