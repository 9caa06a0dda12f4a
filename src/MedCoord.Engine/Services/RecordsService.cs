using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
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
