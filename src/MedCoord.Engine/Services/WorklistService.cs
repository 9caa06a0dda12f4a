using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Logging;

namespace MedCoord.Engine;

/// <summary>
/// Everything waiting on a coordinator: what is late, by kind. Every status of every lifecycle that waits on someone
/// lands here once its limit has passed; only final statuses never do.
/// </summary>
/// <param name="CareActivities">Care-plan activities past their last acceptable date.</param>
/// <param name="Referrals">Referrals not sent, not accepted, not scheduled, without a report, or not closed past their limits.</param>
/// <param name="ResultTasks">Result reviews and patient notifications (released or not) open past their age limit.</param>
/// <param name="NoShows">Visits marked no-show, most recent first.</param>
/// <param name="Visits">Visits booked past their start and grace, arrived and not checked in, or checked in and not fulfilled, past their limits.</param>
/// <param name="CarePlans">Plans in draft or on hold, and activities on hold, past their limits.</param>
/// <param name="Claims">Claims waiting in a status other than Closed past its limit.</param>
public sealed record CoordinatorWorklist(
    IReadOnlyList<OverdueActivity> CareActivities,
    IReadOnlyList<OverdueReferral> Referrals,
    IReadOnlyList<RelayTask> ResultTasks,
    IReadOnlyList<Visit> NoShows,
    IReadOnlyList<StalledVisit> Visits,
    IReadOnlyList<StalledCarePlan> CarePlans,
    IReadOnlyList<StalledClaim> Claims);

/// <summary>
/// The coordinator's worklist, built from the open records only (read by their index: closed records, however many,
/// are not read). Thread safe.
/// </summary>
public sealed class WorklistService
{
    private readonly EngineContext _context;
    private readonly ILogger _logger;

    internal WorklistService(EngineContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<WorklistService>();
    }

    /// <summary>Everything late, as of now (for the host's own work: not recorded as a read).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The worklist.</returns>
#pragma warning disable RS0026 // Overloads by whether the read is recorded; the token is optional on both.
    public async Task<CoordinatorWorklist> GetAsync(CancellationToken cancellationToken = default)
#pragma warning restore RS0026
        => (await BuildAsync(cancellationToken).ConfigureAwait(false)).Worklist;

    /// <summary>The worklist, read by someone (recorded: every record on it).</summary>
    /// <param name="actor">Who reads it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The worklist.</returns>
#pragma warning disable RS0026 // Overloads by whether the read is recorded; the token is optional on both.
    public async Task<CoordinatorWorklist> GetAsync(string actor, CancellationToken cancellationToken = default)
#pragma warning restore RS0026
    {
        var (worklist, patients) = await BuildAsync(cancellationToken).ConfigureAwait(false);
        string PatientOf<T>(string id)
            where T : class => patients.GetValueOrDefault((StoreKinds.Of(typeof(T)), id), "?");
        return await _context.DiscloseAsync(actor, "Worklist", worklist,
        [
            .. worklist.CareActivities.Select(a => AccessedRecord.Of<CarePlan>(a.PlanId, a.PatientId)),
            .. worklist.Referrals.Select(r => AccessedRecord.Of<Referral>(r.ReferralId, PatientOf<Referral>(r.ReferralId))),
            .. worklist.ResultTasks.Select(t => AccessedRecord.Of<ResultThread>(t.ResultId, PatientOf<ResultThread>(t.ResultId))),
            .. worklist.NoShows.Select(v => AccessedRecord.Of<Visit>(v.Id, v.PatientId)),
            .. worklist.Visits.Select(v => AccessedRecord.Of<Visit>(v.VisitId, v.PatientId)),
            .. worklist.CarePlans.Select(p => AccessedRecord.Of<CarePlan>(p.PlanId, p.PatientId)),
            .. worklist.Claims.Select(c => AccessedRecord.Of<Claim>(c.ClaimId, PatientOf<Claim>(c.ClaimId))),
        ], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The worklist from the open records, and the patient of each record read (for the read's audit entry).</summary>
    private async Task<(CoordinatorWorklist Worklist, Dictionary<(string Kind, string Id), string> Patients)> BuildAsync(CancellationToken cancellationToken)
    {
        var store = _context.Store;
        var now = _context.Clock.GetCurrentInstant();
        var options = _context.Options;
        var plans = Values(await store.ListAsync<CarePlan>(RecordQuery.Open, cancellationToken).ConfigureAwait(false));
        var visits = Values(await store.ListAsync<Visit>(RecordQuery.Open, cancellationToken).ConfigureAwait(false));
        var referrals = Values(await store.ListAsync<Referral>(RecordQuery.Open, cancellationToken).ConfigureAwait(false));
        var results = Values(await store.ListAsync<ResultThread>(RecordQuery.Open, cancellationToken).ConfigureAwait(false));
        var claims = Values(await store.ListAsync<Claim>(RecordQuery.Open, cancellationToken).ConfigureAwait(false));
        var worklist = new CoordinatorWorklist(
            CarePlanRequests.Overdue(plans, _context.Today),
            ReferralWorklist.Overdue(referrals, options.Referrals, now),
            ResultThreads.Overdue(results, options.Results, _context.Clock),
            [.. visits.Where(v => v.Status == VisitStatus.NoShow).OrderByDescending(v => v.Start)],
            VisitDesk.Stalled(visits, options.CheckInGrace, options.Visits, now),
            CarePlanRequests.Stalled(plans, options.CarePlans, now),
            ClaimWorklist.Stalled(claims, options.Claims, now));
        var patients = new Dictionary<(string, string), string>();
        foreach (var r in referrals)
        {
            patients[(StoreKinds.Of(typeof(Referral)), r.Id)] = r.PatientId;
        }

        foreach (var t in results)
        {
            patients[(StoreKinds.Of(typeof(ResultThread)), t.Id)] = t.Latest.PatientId;
        }

        foreach (var c in claims)
        {
            patients[(StoreKinds.Of(typeof(Claim)), c.Id)] = c.Patient.Id;
        }

        var items = worklist.CareActivities.Count + worklist.Referrals.Count + worklist.ResultTasks.Count + worklist.NoShows.Count
            + worklist.Visits.Count + worklist.CarePlans.Count + worklist.Claims.Count;
        EngineLog.WorklistBuilt(_logger, plans.Count + visits.Count + referrals.Count + results.Count + claims.Count, items);
        return (worklist, patients);
    }

    private static List<T> Values<T>(IReadOnlyList<Stored<T>> stored)
        where T : class => [.. stored.Select(s => s.Value)];
}
