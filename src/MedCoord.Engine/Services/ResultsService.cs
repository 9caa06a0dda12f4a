using MedCoord.Engine.Communications;
using MedCoord.Engine.Results;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace MedCoord.Engine;

/// <summary>
/// The results relay: results taken in open a review task; a review done opens the patient notification, which the
/// provider releases as an outbox message. Every operation commits in one transaction. Thread safe.
/// </summary>
public sealed class ResultsService
{
    private readonly EngineContext _context;
    private readonly ILogger _logger;

    internal ResultsService(EngineContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<ResultsService>();
    }

    /// <summary>Takes in a result or a new version of one: its review task opens (urgent when abnormal).</summary>
    /// <param name="result">The result.</param>
    /// <param name="actor">Who delivers it (for example the lab interface).</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The review task.</returns>
    public async Task<RelayTask> ReceiveAsync(IncomingResult result, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var stored = await _context.Store.FindAsync<ResultThread>(result.Id, cancellationToken).ConfigureAwait(false);
        var thread = ResultThreads.Receive(stored?.Value, result, _context.Clock);

        // A notification released for an older version is withdrawn with it: the patient is told about the new one.
        var cancelled = await _context.CancelMessagesAsync(result.Id, m => m.ResultId == result.Id, actor, cancellationToken).ConfigureAwait(false);
        await _context.CommitAsync(_logger, [StoreChange.Of(result.Id, thread, stored?.Version ?? 0, actor, AuditActions.Result(result.Status)), .. cancelled], cancellationToken).ConfigureAwait(false);
        EngineLog.ResultReceived(_logger, result.Id, actor, thread.Tasks[^1].Id);
        return thread.Tasks[^1];
    }

    /// <summary>
    /// Marks a result task done: a review done opens the patient notification (for the provider to release, see
    /// <see cref="ReleaseAsync"/>); a notification done by hand (the patient told another way) withdraws its pending message.
    /// </summary>
    /// <param name="resultId">The result.</param>
    /// <param name="taskId">Its open task.</param>
    /// <param name="actor">Who did it.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The notification task a review opens, or null.</returns>
    public async Task<RelayTask?> CompleteTaskAsync(string resultId, string taskId, string actor, CancellationToken cancellationToken = default)
    {
        var stored = await _context.LoadAsync<ResultThread>(resultId, "result", cancellationToken).ConfigureAwait(false);
        var (thread, opened) = ResultThreads.Complete(stored.Value, taskId, actor, _context.Clock);
        var cancelled = await _context.CancelMessagesAsync(resultId, m => m.TaskId == taskId, actor, cancellationToken).ConfigureAwait(false);
        await _context.CommitAsync(_logger,
            [StoreChange.Of(resultId, thread, stored.Version, actor, opened is null ? AuditActions.ResultPatientNotified : AuditActions.ResultReviewed), .. cancelled],
            cancellationToken).ConfigureAwait(false);
        EngineLog.ResultTaskCompleted(_logger, resultId, taskId, actor);
        return opened;
    }

    /// <summary>
    /// The provider releases a reviewed result to the patient: its open notification task is marked released and an
    /// outbox message (template <c>result-ready</c>, ids only) is planned now, out of the patient's quiet hours, in one
    /// commit. The task is done when the host reports the message delivered; a rejected message leaves it open (on the
    /// worklist past its age) and it may be released again.
    /// </summary>
    /// <param name="resultId">The result.</param>
    /// <param name="taskId">Its open patient-notification task.</param>
    /// <param name="actor">Who releases it (the reviewing provider).</param>
    /// <param name="patientZone">The patient's zone, for quiet hours; null for the clinic's.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The message planned.</returns>
    /// <exception cref="ArgumentException">The task is not an open patient notification of the result.</exception>
    /// <exception cref="InvalidOperationException">A message for the task is already pending or delivered.</exception>
    public async Task<OutboxMessage> ReleaseAsync(string resultId, string taskId, string actor, DateTimeZone? patientZone = null, CancellationToken cancellationToken = default)
    {
        var stored = await _context.LoadAsync<ResultThread>(resultId, "result", cancellationToken).ConfigureAwait(false);
        var (thread, released) = ResultThreads.Release(stored.Value, taskId, actor, _context.Clock);
        var earlier = (await _context.Store.ListAsync<OutboxMessage>(new RecordQuery(Ref: resultId), cancellationToken).ConfigureAwait(false))
            .Where(m => m.Value.TaskId == taskId).ToList();
        if (earlier.FirstOrDefault(m => m.Value.IsPending || m.Value.Delivery == DeliveryResult.Delivered) is { } standing)
        {
            throw new InvalidOperationException($"Task '{taskId}' is already released: message '{standing.Value.Id}' is {(standing.Value.IsPending ? "pending" : "delivered")}.");
        }

        var message = Outbox.PlanResultNotification(released, thread.Latest.PatientId, earlier.Count + 1, patientZone ?? _context.Options.Zone, _context.Options.Outbox, _context.Clock);
        await _context.CommitAsync(
            _logger,
            [StoreChange.Of(resultId, thread, stored.Version, actor, AuditActions.ResultReleased), StoreChange.Of(message.Id, message, 0, actor, AuditActions.MessagePlanned)],
            [.. earlier.Select(m => StoreRead.Of(m.Value.Id, m))],
            cancellationToken).ConfigureAwait(false);
        EngineLog.ResultReleased(_logger, resultId, taskId, actor, message.Id);
        return message;
    }
}
