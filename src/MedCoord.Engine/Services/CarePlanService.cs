using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace MedCoord.Engine;

/// <summary>
/// Care plans as a host keeps them: created in draft, changed by the <see cref="CarePlanLifecycle"/> operations, and
/// the scheduling requests their activities have due. Each change commits the plan with its audit entries (the codes of
/// the history entries it added), based on the version read. Thread safe.
/// </summary>
public sealed class CarePlanService
{
    private readonly EngineContext _context;
    private readonly ILogger _logger;

    internal CarePlanService(EngineContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<CarePlanService>();
    }

    /// <summary>Stores a new care plan, in draft.</summary>
    /// <param name="id">Opaque plan id.</param>
    /// <param name="patientId">Opaque patient id.</param>
    /// <param name="goals">Goals.</param>
    /// <param name="activities">Activities.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="StoreConcurrencyException">A plan with the id exists.</exception>
    public async Task<CarePlan> CreateAsync(string id, string patientId, IReadOnlyList<CarePlanGoal> goals, IReadOnlyList<CareActivity> activities, string actor, CancellationToken cancellationToken = default)
    {
        var plan = CarePlanLifecycle.Create(id, patientId, goals, activities, actor, _context.Clock);
        await _context.CommitAsync(_logger, [StoreChange.Of(plan.Id, plan, 0, actor, AuditActions.PlanCreated)], cancellationToken).ConfigureAwait(false);
        EngineLog.CarePlanCreated(_logger, plan.Id, actor);
        return plan;
    }

    /// <summary>Changes a stored care plan with one of the <see cref="CarePlanLifecycle"/> operations, and stores the result.</summary>
    /// <param name="planId">The plan.</param>
    /// <param name="change">The change, given the plan and the clock.</param>
    /// <param name="actor">Who (for the audit entry).</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="RecordNotFoundException">No such plan.</exception>
    public async Task<CarePlan> ChangeAsync(string planId, Func<CarePlan, IClock, CarePlan> change, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var stored = await _context.LoadAsync<CarePlan>(planId, "care plan", cancellationToken).ConfigureAwait(false);
        var changed = change(stored.Value, _context.Clock);
        var saved = EngineContext.PlanChange(stored, changed, actor);
        await _context.CommitAsync(_logger, [saved], cancellationToken).ConfigureAwait(false);
        EngineLog.CarePlanChanged(_logger, planId, actor, string.Join(",", saved.Actions));
        return changed;
    }

    /// <summary>The scheduling requests every active plan has due within a horizon (for the host's own work: not recorded as a read).</summary>
    /// <param name="horizon">The dates being scheduled.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The due occurrences.</returns>
#pragma warning disable RS0026 // Overloads by whether the read is recorded; the token is optional on both.
    public async Task<IReadOnlyList<DueOccurrence>> DueRequestsAsync(DateInterval horizon, CancellationToken cancellationToken = default)
#pragma warning restore RS0026
    {
        ArgumentNullException.ThrowIfNull(horizon);
        var plans = await _context.Store.ListAsync<CarePlan>(RecordQuery.Open, cancellationToken).ConfigureAwait(false);
        return CarePlanRequests.Due(plans.Select(p => p.Value), horizon);
    }

    /// <summary>The scheduling requests due within a horizon, read by someone (recorded: the care plans they come from).</summary>
    /// <param name="horizon">The dates being scheduled.</param>
    /// <param name="actor">Who reads them.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The due occurrences.</returns>
#pragma warning disable RS0026 // Overloads by whether the read is recorded; the token is optional on both.
    public async Task<IReadOnlyList<DueOccurrence>> DueRequestsAsync(DateInterval horizon, string actor, CancellationToken cancellationToken = default)
#pragma warning restore RS0026
    {
        var due = await DueRequestsAsync(horizon, cancellationToken).ConfigureAwait(false);
        return await _context.DiscloseAsync(actor, "DueRequests", due, [.. due.Select(d => AccessedRecord.Of<CarePlan>(d.PlanId, d.PatientId))], cancellationToken).ConfigureAwait(false);
    }
}
