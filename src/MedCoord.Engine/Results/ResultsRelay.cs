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
public sealed record RelayTask(string Id, string ResultId, int Version, RelayStep Step, bool Urgent, string AssignedTo, Instant CreatedAt, Instant? DoneAt, string? DoneBy, bool Superseded)
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
    /// <returns>One message per problem; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (NormalWithin <= Duration.Zero)
        {
            problems.Add($"NormalWithin: must be positive, found {NormalWithin}");
        }

        if (UrgentWithin <= Duration.Zero || UrgentWithin > NormalWithin)
        {
            problems.Add($"UrgentWithin: must be positive and at most NormalWithin, found {UrgentWithin}");
        }

        return problems;
    }
}

/// <summary>
/// Results relay: every arriving result (or new version of one) gets a provider-review task, urgent when abnormal;
/// a review done creates the patient-notification task; a newer version supersedes the open tasks of older ones.
/// Tasks open past their age limit form the worklist. Time comes from the injected clock. Not thread safe: a host
/// serialises calls (or keeps one relay per unit of work).
/// </summary>
public sealed class ResultsRelay
{
    private readonly IClock _clock;
    private readonly ResultsRelayOptions _options;
    private readonly Dictionary<string, RelayTask> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IncomingResult Result, int Version)> _results = new(StringComparer.Ordinal);

    /// <summary>Creates a relay.</summary>
    /// <param name="clock">The clock.</param>
    /// <param name="options">Age limits.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public ResultsRelay(IClock clock, ResultsRelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        (_clock, _options) = (clock, options);
    }

    /// <summary>Gets every task, open or not, in creation order.</summary>
    public IReadOnlyList<RelayTask> Tasks => [.. _tasks.Values];

    /// <summary>Takes in a result or a new version of one: supersedes the older version's open tasks and opens a review.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The review task.</returns>
    /// <exception cref="ArgumentException">A preliminary result arrives after a final one, or the patient or ordering provider changed.</exception>
    public RelayTask Receive(IncomingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(result.Id);
        var version = 1;
        if (_results.TryGetValue(result.Id, out var previous))
        {
            if (previous.Result.PatientId != result.PatientId || previous.Result.OrderingProviderId != result.OrderingProviderId)
            {
                throw new ArgumentException($"Result '{result.Id}' arrived for a different patient or ordering provider than before.", nameof(result));
            }

            if (result.Status == ResultStatus.Preliminary && previous.Result.Status != ResultStatus.Preliminary)
            {
                throw new ArgumentException($"Result '{result.Id}' is already {previous.Result.Status}; a preliminary version cannot follow it.", nameof(result));
            }

            version = previous.Version + 1;
            foreach (var open in _tasks.Values.Where(t => t.ResultId == result.Id && t.IsOpen).ToList())
            {
                _tasks[open.Id] = open with { Superseded = true };
            }
        }

        _results[result.Id] = (result, version);
        return Open(result, version, RelayStep.ProviderReview, result.OrderingProviderId);
    }

    /// <summary>Marks a task done; a review done opens the notification of the patient.</summary>
    /// <param name="taskId">An open task.</param>
    /// <param name="actor">Who did it.</param>
    /// <returns>The notification task a review opens, or null.</returns>
    /// <exception cref="ArgumentException">The task is unknown, already done, or superseded.</exception>
    public RelayTask? Complete(string taskId, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (!_tasks.TryGetValue(taskId, out var task))
        {
            throw new ArgumentException($"unknown task '{taskId}'", nameof(taskId));
        }

        if (!task.IsOpen)
        {
            throw new ArgumentException($"task '{taskId}' is {(task.Superseded ? "superseded by a newer version of its result" : "already done")}", nameof(taskId));
        }

        _tasks[taskId] = task with { DoneAt = _clock.GetCurrentInstant(), DoneBy = actor };
        if (task.Step != RelayStep.ProviderReview)
        {
            return null;
        }

        var (result, version) = _results[task.ResultId];
        return Open(result, version, RelayStep.PatientNotification, result.PatientId);
    }

    /// <summary>Open tasks past their age limit, urgent first, then oldest first.</summary>
    /// <returns>The worklist.</returns>
    public IReadOnlyList<RelayTask> Overdue()
    {
        var now = _clock.GetCurrentInstant();
        return [.. _tasks.Values
            .Where(t => t.IsOpen && now - t.CreatedAt > (t.Urgent ? _options.UrgentWithin : _options.NormalWithin))
            .OrderByDescending(t => t.Urgent).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
    }

    private RelayTask Open(IncomingResult result, int version, RelayStep step, string assignedTo)
    {
        var task = new RelayTask($"{result.Id}/v{version}/{step}", result.Id, version, step, result.Abnormal, assignedTo, _clock.GetCurrentInstant(), null, null, false);
        _tasks.Add(task.Id, task);
        return task;
    }
}
