using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.Logging;

namespace MedCoord.Engine;

/// <summary>Everything stored about one patient.</summary>
/// <param name="PatientId">The patient.</param>
/// <param name="CarePlans">Care plans.</param>
/// <param name="Visits">Visits.</param>
/// <param name="Consents">Consents.</param>
/// <param name="Intakes">Intake questionnaire responses.</param>
/// <param name="Results">Results and their tasks.</param>
/// <param name="Referrals">Referrals.</param>
/// <param name="Messages">Reminders and follow-ups.</param>
/// <param name="Claims">Claims.</param>
public sealed record PatientRecords(
    string PatientId,
    IReadOnlyList<CarePlan> CarePlans,
    IReadOnlyList<Visit> Visits,
    IReadOnlyList<Consent> Consents,
    IReadOnlyList<IntakeResponse> Intakes,
    IReadOnlyList<ResultThread> Results,
    IReadOnlyList<Referral> Referrals,
    IReadOnlyList<OutboxMessage> Messages,
    IReadOnlyList<Claim> Claims);

/// <summary>Every record the engine stores, by kind, each list in id order: what <see cref="RecordsService.ExportAsync"/> hands out.</summary>
/// <param name="ExportedAt">When the records were read (from the injected clock).</param>
/// <param name="CarePlans">Care plans.</param>
/// <param name="Visits">Visits.</param>
/// <param name="Consents">Consents.</param>
/// <param name="Intakes">Intake questionnaire responses.</param>
/// <param name="Results">Results and their tasks.</param>
/// <param name="Referrals">Referrals.</param>
/// <param name="Messages">Reminders, follow-ups and result notifications.</param>
/// <param name="Claims">Claims.</param>
public sealed record EngineRecords(
    NodaTime.Instant ExportedAt,
    IReadOnlyList<CarePlan> CarePlans,
    IReadOnlyList<Visit> Visits,
    IReadOnlyList<Consent> Consents,
    IReadOnlyList<IntakeResponse> Intakes,
    IReadOnlyList<ResultThread> Results,
    IReadOnlyList<Referral> Referrals,
    IReadOnlyList<OutboxMessage> Messages,
    IReadOnlyList<Claim> Claims);

/// <summary>
/// Reads that hand patients' records to a person, each recorded as one audit entry (actor, operation, the records and
/// patients read), so that who looked at a patient has an answer (<see cref="ReadsOfAsync"/>); and the audit trail
/// itself, with its verification. Thread safe.
/// </summary>
public sealed class RecordsService
{
    private readonly EngineContext _context;
    private readonly ILogger _logger;

    internal RecordsService(EngineContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<RecordsService>();
    }

    /// <summary>One record, read by someone (recorded).</summary>
    /// <typeparam name="T">The record's type: a type the engine stores.</typeparam>
    /// <param name="id">Its id.</param>
    /// <param name="actor">Who reads it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or null (a read that found nothing is recorded too).</returns>
    /// <exception cref="ArgumentException">The engine does not store records of type <typeparamref name="T"/>.</exception>
    public async Task<Stored<T>?> ReadAsync<T>(string id, string actor, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var kind = StoreKinds.Of(typeof(T));
        var found = await _context.Store.FindAsync<T>(id, cancellationToken).ConfigureAwait(false);
        return await DiscloseAsync(actor, $"Record.{kind}", found, found is null ? [] : [new AccessedRecord(kind, id, RecordIndex.Of(found.Value).PatientId)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Everything stored about a patient, read by someone (recorded).</summary>
    /// <param name="patientId">The patient.</param>
    /// <param name="actor">Who reads it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The patient's records.</returns>
    public async Task<PatientRecords> PatientRecordsAsync(string patientId, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        async Task<List<T>> Of<T>()
            where T : class => [.. (await _context.Store.ListAsync<T>(new RecordQuery(PatientId: patientId), cancellationToken).ConfigureAwait(false))
                .Select(s => s.Value).Where(v => RecordIndex.Of(v).PatientId == patientId)];
        var chart = new PatientRecords(patientId, await Of<CarePlan>().ConfigureAwait(false), await Of<Visit>().ConfigureAwait(false), await Of<Consent>().ConfigureAwait(false),
            await Of<IntakeResponse>().ConfigureAwait(false), await Of<ResultThread>().ConfigureAwait(false), await Of<Referral>().ConfigureAwait(false),
            await Of<OutboxMessage>().ConfigureAwait(false), await Of<Claim>().ConfigureAwait(false));
        return await DiscloseAsync(actor, "PatientRecords", chart,
        [
            .. chart.CarePlans.Select(r => AccessedRecord.Of<CarePlan>(r.Id, patientId)), .. chart.Visits.Select(r => AccessedRecord.Of<Visit>(r.Id, patientId)),
            .. chart.Consents.Select(r => AccessedRecord.Of<Consent>(r.Id, patientId)), .. chart.Intakes.Select(r => AccessedRecord.Of<IntakeResponse>(r.VisitId, patientId)),
            .. chart.Results.Select(r => AccessedRecord.Of<ResultThread>(r.Id, patientId)), .. chart.Referrals.Select(r => AccessedRecord.Of<Referral>(r.Id, patientId)),
            .. chart.Messages.Select(r => AccessedRecord.Of<OutboxMessage>(r.Id, patientId)), .. chart.Claims.Select(r => AccessedRecord.Of<Claim>(r.Id, patientId)),
        ], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every stored record of every kind, read by someone (recorded as one read entry, operation <c>Export</c>, naming
    /// every patient and every record handed out).
    /// </summary>
    /// <param name="actor">Who reads them.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records, each kind in id order.</returns>
    public async Task<EngineRecords> ExportAsync(string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        async Task<List<T>> All<T>(Func<T, string> id)
            where T : class => [.. (await _context.Store.ListAsync<T>(RecordQuery.All, cancellationToken).ConfigureAwait(false))
                .Select(s => s.Value).OrderBy(id, StringComparer.Ordinal)];
        var records = new EngineRecords(
            _context.Clock.GetCurrentInstant(),
            await All<CarePlan>(r => r.Id).ConfigureAwait(false),
            await All<Visit>(r => r.Id).ConfigureAwait(false),
            await All<Consent>(r => r.Id).ConfigureAwait(false),
            await All<IntakeResponse>(r => r.VisitId).ConfigureAwait(false),
            await All<ResultThread>(r => r.Id).ConfigureAwait(false),
            await All<Referral>(r => r.Id).ConfigureAwait(false),
            await All<OutboxMessage>(r => r.Id).ConfigureAwait(false),
            await All<Claim>(r => r.Id).ConfigureAwait(false));
        static AccessedRecord Accessed<T>(string id, T record)
            where T : class => AccessedRecord.Of<T>(id, RecordIndex.Of(record).PatientId);
        return await DiscloseAsync(actor, "Export", records,
        [
            .. records.CarePlans.Select(r => Accessed(r.Id, r)), .. records.Visits.Select(r => Accessed(r.Id, r)),
            .. records.Consents.Select(r => Accessed(r.Id, r)), .. records.Intakes.Select(r => Accessed(r.VisitId, r)),
            .. records.Results.Select(r => Accessed(r.Id, r)), .. records.Referrals.Select(r => Accessed(r.Id, r)),
            .. records.Messages.Select(r => Accessed(r.Id, r)), .. records.Claims.Select(r => Accessed(r.Id, r)),
        ], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores records written elsewhere (an EHR is their source) in one commit, all or none: new care plans (draft, or
    /// active when <see cref="CarePlanImport.Activate"/>), new referrals (draft, or sent when <see cref="ReferralImport.Sent"/>),
    /// and consents and intake responses, new or replacing the stored one of the same id. Each record gets its audit entry,
    /// <paramref name="actor"/> its author. Refused, with nothing stored, when any record is wrong: a definition the
    /// lifecycle refuses, a care plan or referral id already stored or given twice, a consent or intake response stored for
    /// another patient, an intake response for a visit of another patient.
    /// </summary>
    /// <param name="records">The records.</param>
    /// <param name="actor">Who takes them in (an opaque id: the interface or the person).</param>
    /// <param name="cancellationToken">Cancels the import before it commits.</param>
    /// <returns>How many records were stored.</returns>
    /// <exception cref="ValidationException">Every problem, each with its path (<c>carePlans[0].activities[1].dueBy</c>, <c>referrals[2].id</c>); nothing stored.</exception>
    /// <exception cref="StoreConcurrencyException">A record was written by someone else while the import ran; nothing stored.</exception>
    public async Task<int> ImportAsync(RecordsImport records, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var errors = new List<ValidationError>();
        var changes = new List<StoreChange>();
        var clock = _context.Clock;
        for (var i = 0; i < records.CarePlans.Count; i++)
        {
            if (await NewPlanAsync(records.CarePlans[i], records.CarePlans.Take(i).Select(p => p?.Id), $"carePlans[{i}]", actor, errors, cancellationToken).ConfigureAwait(false) is { } plan)
            {
                changes.Add(plan);
            }
        }

        for (var i = 0; i < records.Referrals.Count; i++)
        {
            var r = records.Referrals[i];
            var path = $"referrals[{i}]";
            var before = errors.Count;
            Required(errors, path, ("id", r?.Id), ("patientId", r?.PatientId), ("fromProviderId", r?.FromProviderId), ("target", r?.Target));
            if (r is not null && !Enum.IsDefined(r.Priority))
            {
                errors.Add(new ValidationError($"{path}.priority", $"unknown priority {(int)r.Priority}"));
            }

            if (errors.Count > before || !await IsNewAsync<Referral>(r!.Id, records.Referrals.Take(i).Select(o => o?.Id), $"{path}.id", "referral", errors, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var referral = ReferralLifecycle.Draft(r.Id, r.PatientId, r.FromProviderId, r.Target, r.Priority, clock);
            changes.Add(r.Sent
                ? StoreChange.Of(r.Id, ReferralLifecycle.Move(referral, ReferralStatus.Sent, actor, "imported", clock), 0, actor, AuditActions.ReferralDraft, AuditActions.Referral(ReferralStatus.Sent))
                : StoreChange.Of(r.Id, referral, 0, actor, AuditActions.ReferralDraft));
        }

        for (var i = 0; i < records.Consents.Count; i++)
        {
            var c = records.Consents[i];
            var path = $"consents[{i}]";
            var before = errors.Count;
            Required(errors, path, ("id", c?.Id), ("patientId", c?.PatientId), ("scope", c?.Scope));
            if (errors.Count > before)
            {
                continue;
            }

            if (c!.ExpiresAt <= c.GivenAt)
            {
                errors.Add(new ValidationError($"{path}.expiresAt", "must be after givenAt"));
            }

            if (c.RevokedAt < c.GivenAt)
            {
                errors.Add(new ValidationError($"{path}.revokedAt", "must not be before givenAt"));
            }

            Twice(errors, $"{path}.id", "consent", c.Id, records.Consents.Take(i).Select(o => o?.Id));
            var stored = await _context.Store.FindAsync<Consent>(c.Id, cancellationToken).ConfigureAwait(false);
            if (stored is not null && stored.Value.PatientId != c.PatientId)
            {
                errors.Add(new ValidationError($"{path}.patientId", $"consent '{c.Id}' is stored for another patient"));
            }

            string[] actions = (stored, c.RevokedAt) switch
            {
                (null, null) => [AuditActions.ConsentGiven],
                (null, _) => [AuditActions.ConsentGiven, AuditActions.ConsentRevoked],
                (_, null) => [AuditActions.ConsentChanged],
                _ => [AuditActions.ConsentRevoked],
            };
            changes.Add(StoreChange.Of(c.Id, c, stored?.Version ?? 0, actor, actions));
        }

        for (var i = 0; i < records.Intakes.Count; i++)
        {
            var intake = records.Intakes[i];
            var path = $"intakes[{i}]";
            var before = errors.Count;
            Required(errors, path, ("visitId", intake?.VisitId), ("patientId", intake?.PatientId));
            if (errors.Count > before)
            {
                continue;
            }

            Twice(errors, $"{path}.visitId", "intake response", intake!.VisitId, records.Intakes.Take(i).Select(o => o?.VisitId));
            var stored = await _context.Store.FindAsync<IntakeResponse>(intake.VisitId, cancellationToken).ConfigureAwait(false);
            var visit = await _context.Store.FindAsync<Visit>(intake.VisitId, cancellationToken).ConfigureAwait(false);
            if ((stored is not null && stored.Value.PatientId != intake.PatientId) || (visit is not null && visit.Value.PatientId != intake.PatientId))
            {
                errors.Add(new ValidationError($"{path}.patientId", $"visit '{intake.VisitId}' belongs to another patient"));
            }

            changes.Add(StoreChange.Of(intake.VisitId, intake, stored?.Version ?? 0, actor, AuditActions.IntakeCompleted));
        }

        ValidationException.ThrowIfAny(errors, "records import", nameof(records));
        await _context.CommitAsync(_logger, changes, cancellationToken).ConfigureAwait(false);
        EngineLog.RecordsImported(_logger, changes.Count, actor);
        return changes.Count;
    }

    /// <summary>A new care plan's change, or null after adding its problems.</summary>
    private async Task<StoreChange?> NewPlanAsync(CarePlanImport import, IEnumerable<string?> earlier, string path, string actor, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        if (import is null)
        {
            errors.Add(new ValidationError(path, "must not be null"));
            return null;
        }

        var before = errors.Count;
        Required(errors, path, ("patientId", import.PatientId));
        for (var k = 0; k < (import.Activities?.Count ?? 0); k++)
        {
            if (import.Activities![k] is { } a && (a.Status != ActivityStatus.NotStarted || a.CompletedCount != 0 || a.LastDoneOn is not null || a.BookedRequestId is not null))
            {
                errors.Add(new ValidationError($"{path}.activities[{k}].status", "a new plan's activities are not started, with nothing done or booked"));
            }
        }

        CarePlan? plan = null;
        try
        {
            plan = errors.Count > before ? null : CarePlanLifecycle.Create(import.Id, import.PatientId, import.Goals!, import.Activities!, actor, _context.Clock);
        }
        catch (ValidationException e)
        {
            errors.AddRange(e.Errors.Select(x => x with { Path = $"{path}.{x.Path}" }));
        }
        catch (ArgumentNullException e)
        {
            errors.Add(new ValidationError($"{path}.{e.ParamName}", "required"));
        }

        if (plan is null || !await IsNewAsync<CarePlan>(plan.Id, earlier, $"{path}.id", "care plan", errors, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return import.Activate
            ? StoreChange.Of(plan.Id, CarePlanLifecycle.SetStatus(plan, CarePlanStatus.Active, actor, _context.Clock), 0, actor, AuditActions.PlanCreated, AuditActions.Plan(CarePlanStatus.Active))
            : StoreChange.Of(plan.Id, plan, 0, actor, AuditActions.PlanCreated);
    }

    /// <summary>Whether a record's id is neither stored nor given earlier in the import; adds the problem when it is.</summary>
    private async Task<bool> IsNewAsync<T>(string id, IEnumerable<string?> earlier, string path, string noun, List<ValidationError> errors, CancellationToken cancellationToken)
        where T : class
    {
        if (Twice(errors, path, noun, id, earlier))
        {
            return false;
        }

        if (await _context.Store.FindAsync<T>(id, cancellationToken).ConfigureAwait(false) is not null)
        {
            errors.Add(new ValidationError(path, $"{noun} '{id}' is already stored"));
            return false;
        }

        return true;
    }

    private static bool Twice(List<ValidationError> errors, string path, string noun, string id, IEnumerable<string?> earlier)
    {
        if (earlier.Contains(id, StringComparer.Ordinal))
        {
            errors.Add(new ValidationError(path, $"{noun} '{id}' is given twice"));
            return true;
        }

        return false;
    }

    private static void Required(List<ValidationError> errors, string path, params (string Field, string? Value)[] fields)
    {
        foreach (var (field, _) in fields.Where(f => string.IsNullOrWhiteSpace(f.Value)))
        {
            errors.Add(new ValidationError($"{path}.{field}", "required"));
        }
    }

    /// <summary>Who read a patient's records through the engine, and when: the read entries naming the patient, oldest first.</summary>
    /// <param name="patientId">The patient.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries (actor, time, operation; <see cref="AuditEntry.Content"/> lists the records read).</returns>
    public async Task<IReadOnlyList<AuditEntry>> ReadsOfAsync(string patientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        var trail = await _context.Store.AuditTrailAsync(cancellationToken).ConfigureAwait(false);
        return [.. trail.Where(e => AccessedRecord.PatientsOf(e).Contains(patientId, StringComparer.Ordinal))];
    }

    /// <summary>The audit trail, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    public Task<IReadOnlyList<AuditEntry>> AuditTrailAsync(CancellationToken cancellationToken = default) => _context.Store.AuditTrailAsync(cancellationToken);

    /// <summary>
    /// Checks the audit trail's hash chain, every record against the entry that last wrote it, and every record's index
    /// (what the worklist and the outbox find it by) against the record.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether it is intact, and the first bad entry or record when it is not.</returns>
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken = default) => _context.Store.VerifyAuditAsync(cancellationToken);

    private async Task<T> DiscloseAsync<T>(string actor, string operation, T result, IReadOnlyList<AccessedRecord> records, CancellationToken cancellationToken)
    {
        await _context.DiscloseAsync(actor, operation, result, records, cancellationToken).ConfigureAwait(false);
        EngineLog.RecordsRead(_logger, operation, actor, records.Count);
        return result;
    }
}
