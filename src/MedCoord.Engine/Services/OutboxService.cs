using MedCoord.Engine.Communications;
using MedCoord.Engine.Results;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Logging;

namespace MedCoord.Engine;

/// <summary>
/// The outbox: the reminders, follow-ups and result notifications due to be sent, and the host's delivery reports.
/// Messages carry ids and templates only; the host renders and sends them. Thread safe.
/// </summary>
public sealed class OutboxService
{
    private readonly EngineContext _context;
    private readonly ILogger _logger;

    internal OutboxService(EngineContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<OutboxService>();
    }

    /// <summary>
    /// Messages due to be sent now: pending, and still true — a reminder only while its visit is booked, a follow-up
    /// only once its visit was fulfilled, a result notification only while its task is open and released. Reads only the
    /// pending messages whose time has come and the visits and results they hang on (for the host's own work: not
    /// recorded as a read).
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The messages, in send order.</returns>
#pragma warning disable RS0026 // Overloads by whether the read is recorded; the token is optional on both.
    public async Task<IReadOnlyList<OutboxMessage>> DueMessagesAsync(CancellationToken cancellationToken = default)
#pragma warning restore RS0026
    {
        var store = _context.Store;
        var pending = await store.ListAsync<OutboxMessage>(new RecordQuery(OpenOnly: true, DueBy: _context.Clock.GetCurrentInstant()), cancellationToken).ConfigureAwait(false);
        var visits = await store.FindManyAsync<Visit>([.. pending.Select(m => m.Value.VisitId).OfType<string>()], cancellationToken).ConfigureAwait(false);
        var results = await store.FindManyAsync<ResultThread>([.. pending.Select(m => m.Value.ResultId).OfType<string>()], cancellationToken).ConfigureAwait(false);
        var due = Outbox.Due(pending.Select(m => m.Value), visits.Select(v => v.Value), results.Select(r => r.Value), _context.Clock);
        EngineLog.MessagesDue(_logger, due.Count);
        return due;
    }

    /// <summary>Every pending message, due or not, in send order (for the host's own work: not recorded as a read).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The messages.</returns>
    public async Task<IReadOnlyList<OutboxMessage>> PendingMessagesAsync(CancellationToken cancellationToken = default)
    {
        var pending = await _context.Store.ListAsync<OutboxMessage>(RecordQuery.Open, cancellationToken).ConfigureAwait(false);
        return [.. pending.Select(m => m.Value).Where(m => m.IsPending).OrderBy(m => m.SendAt).ThenBy(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>The messages due now, read by someone (recorded).</summary>
    /// <param name="actor">Who reads them (for example the sender process).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The messages.</returns>
#pragma warning disable RS0026 // Overloads by whether the read is recorded; the token is optional on both.
    public async Task<IReadOnlyList<OutboxMessage>> DueMessagesAsync(string actor, CancellationToken cancellationToken = default)
#pragma warning restore RS0026
    {
        var due = await DueMessagesAsync(cancellationToken).ConfigureAwait(false);
        return await _context.DiscloseAsync(actor, "DueMessages", due, [.. due.Select(m => AccessedRecord.Of<OutboxMessage>(m.Id, m.PatientId))], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the host's delivery result for a message; a result notification delivered closes its task in the same commit.</summary>
    /// <param name="messageId">The message.</param>
    /// <param name="result">What happened.</param>
    /// <param name="actor">Who reports it.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The message.</returns>
    public async Task<OutboxMessage> RecordDeliveryAsync(string messageId, DeliveryResult result, string actor, CancellationToken cancellationToken = default)
    {
        var stored = await _context.LoadAsync<OutboxMessage>(messageId, "message", cancellationToken).ConfigureAwait(false);
        var message = Outbox.RecordDelivery(stored.Value, result, _context.Clock);
        var changes = new List<StoreChange> { StoreChange.Of(messageId, message, stored.Version, actor, AuditActions.Message(result)) };
        if (result == DeliveryResult.Delivered && message.CancelledAt is null && message is { ResultId: { } resultId, TaskId: { } taskId }
            && await _context.Store.FindAsync<ResultThread>(resultId, cancellationToken).ConfigureAwait(false) is { } thread && thread.Value.Tasks.Any(t => t.Id == taskId && t.IsOpen))
        {
            changes.Add(StoreChange.Of(resultId, ResultThreads.Complete(thread.Value, taskId, actor, _context.Clock).Thread, thread.Version, actor, AuditActions.ResultPatientNotified));
        }

        await _context.CommitAsync(_logger, changes, cancellationToken).ConfigureAwait(false);
        EngineLog.MessageDelivery(_logger, messageId, result.ToString(), actor);
        return message;
    }
}
