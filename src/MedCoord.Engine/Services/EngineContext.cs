using MedCoord.Scheduling.Validation;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace MedCoord.Engine.Services;

/// <summary>
/// What every service of the engine shares: the store, the clock, the validated options, and the changes that cross
/// areas (a visit called off cancels its messages and opens its care-plan occurrence again). Thread safe.
/// </summary>
internal sealed class EngineContext
{
    public EngineContext(IEngineStore store, IClock clock, EngineOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ValidationException.ThrowIfAny(options.Validate(), "engine configuration", nameof(options));

        (Store, Clock, Options, LoggerFactory) = (store, clock, options, loggerFactory);
    }

    public IEngineStore Store { get; }

    public IClock Clock { get; }

    public EngineOptions Options { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets today's date in the clinic's zone.</summary>
    public LocalDate Today => Clock.GetCurrentInstant().InZone(Options.Zone).Date;

    /// <summary>Commits, logging a conflict (kind and id only) before it reaches the caller.</summary>
    public async Task CommitAsync(ILogger logger, IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads, CancellationToken cancellationToken)
    {
        try
        {
            await Store.CommitAsync(changes, reads, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConcurrencyException e)
        {
            EngineLog.CommitConflict(logger, e.Kind, e.Id, e.ExpectedVersion, e.StoredVersion);
            throw;
        }
    }

    public Task CommitAsync(ILogger logger, IReadOnlyList<StoreChange> changes, CancellationToken cancellationToken) => CommitAsync(logger, changes, [], cancellationToken);

    /// <summary>A stored record that must exist.</summary>
    /// <exception cref="RecordNotFoundException">There is no such record.</exception>
    public async Task<Stored<T>> LoadAsync<T>(string id, string noun, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return await Store.FindAsync<T>(id, cancellationToken).ConfigureAwait(false) ?? throw new RecordNotFoundException(noun, id);
    }

    /// <summary>
    /// The changes of a visit that will not take place (cancelled or a no-show): the visit, its pending messages
    /// cancelled, and its care-plan occurrence open again when the activity still holds the booking (an activity put
    /// on hold, cancelled or stopped let go of it already).
    /// </summary>
    public async Task<List<StoreChange>> CalledOffAsync(Stored<Visit> stored, Visit moved, string actor, string action, CancellationToken cancellationToken)
    {
        var changes = new List<StoreChange> { StoreChange.Of(moved.Id, moved, stored.Version, actor, action) };
        changes.AddRange(await CancelMessagesAsync(moved.Id, m => m.VisitId == moved.Id, actor, cancellationToken).ConfigureAwait(false));
        var requestId = moved.BookedRequestId;
        if (CarePlanLifecycle.ParseRequestId(requestId) is var (planId, _, _) && await Store.FindAsync<CarePlan>(planId, cancellationToken).ConfigureAwait(false) is { } plan
            && CarePlanLifecycle.HoldsBooking(plan.Value, requestId))
        {
            changes.Add(PlanChange(plan, CarePlanLifecycle.RecordBookingCancelled(plan.Value, requestId, actor, Clock), actor));
        }

        return changes;
    }

    /// <summary>The changes cancelling every pending message hanging on a visit or result that matches.</summary>
    public async Task<IEnumerable<StoreChange>> CancelMessagesAsync(string hangsOn, Func<OutboxMessage, bool> which, string actor, CancellationToken cancellationToken)
    {
        var messages = await Store.ListAsync<OutboxMessage>(new RecordQuery(OpenOnly: true, Ref: hangsOn), cancellationToken).ConfigureAwait(false);
        return [.. messages.Where(m => m.Value.IsPending && which(m.Value))
            .Select(m => StoreChange.Of(m.Value.Id, Outbox.Cancel(m.Value, Clock), m.Version, actor, AuditActions.MessageCancelled))];
    }

    /// <summary>The change saving a plan read at <paramref name="stored"/>; its audit actions are the codes of the history entries it added.</summary>
    public static StoreChange PlanChange(Stored<CarePlan> stored, CarePlan changed, string actor) =>
        StoreChange.Of(changed.Id, changed, stored.Version, actor,
            changed.History.Count > stored.Value.History.Count ? [.. changed.History.Skip(stored.Value.History.Count).Select(c => c.Action)] : [AuditActions.PlanSaved]);

    /// <summary>Records one read (see <see cref="IEngineStore.RecordAccessAsync"/>) and hands the result out.</summary>
    public async Task<T> DiscloseAsync<T>(string actor, string operation, T result, IReadOnlyList<AccessedRecord> records, CancellationToken cancellationToken)
    {
        await Store.RecordAccessAsync(actor, operation, records, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
