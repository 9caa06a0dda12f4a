using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using NodaTime;

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

/// <summary>
/// Reads that hand patients' records to a person, each recorded as one audit entry (actor, operation, the records and
/// patients read) through <see cref="IEngineStore.RecordAccess"/>, so that who looked at a patient has an answer
/// (<see cref="ReadsOf"/>). The overloads without an actor are for the host's own background work and are not recorded.
/// </summary>
public sealed partial class CoordinationEngine
{
    /// <summary>One record, read by someone (recorded).</summary>
    /// <typeparam name="T">The record's type.</typeparam>
    /// <param name="id">Its id.</param>
    /// <param name="actor">Who reads it.</param>
    /// <returns>The record, or null (a read that found nothing is recorded too).</returns>
    public Stored<T>? Read<T>(string id, string actor)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var found = _store.Find<T>(id);
        return Disclose(actor, $"Record.{StoreKinds.Of(typeof(T))}", found, found is null ? [] : [new AccessedRecord(StoreKinds.Of(typeof(T)), id, PatientOf(found.Value))]);
    }

    /// <summary>Everything stored about a patient, read by someone (recorded).</summary>
    /// <param name="patientId">The patient.</param>
    /// <param name="actor">Who reads it.</param>
    /// <returns>The patient's records.</returns>
    public PatientRecords PatientRecords(string patientId, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        List<T> Of<T>()
            where T : class => [.. _store.List<T>().Select(s => s.Value).Where(v => PatientOf(v) == patientId)];
        var chart = new PatientRecords(patientId, Of<CarePlan>(), Of<Visit>(), Of<Consent>(), Of<IntakeResponse>(), Of<ResultThread>(), Of<Referral>(), Of<OutboxMessage>(), Of<Claim>());
        return Disclose(actor, "PatientRecords", chart,
        [
            .. chart.CarePlans.Select(r => AccessedRecord.Of<CarePlan>(r.Id, patientId)), .. chart.Visits.Select(r => AccessedRecord.Of<Visit>(r.Id, patientId)),
            .. chart.Consents.Select(r => AccessedRecord.Of<Consent>(r.Id, patientId)), .. chart.Intakes.Select(r => AccessedRecord.Of<IntakeResponse>(r.VisitId, patientId)),
            .. chart.Results.Select(r => AccessedRecord.Of<ResultThread>(r.Id, patientId)), .. chart.Referrals.Select(r => AccessedRecord.Of<Referral>(r.Id, patientId)),
            .. chart.Messages.Select(r => AccessedRecord.Of<OutboxMessage>(r.Id, patientId)), .. chart.Claims.Select(r => AccessedRecord.Of<Claim>(r.Id, patientId)),
        ]);
    }

    /// <summary>The worklist, read by someone (recorded: every record on it).</summary>
    /// <param name="actor">Who reads it.</param>
    /// <returns>The worklist.</returns>
    public CoordinatorWorklist Worklist(string actor)
    {
        var worklist = Worklist();
        var referrals = _store.List<Referral>().ToDictionary(r => r.Value.Id, r => r.Value.PatientId, StringComparer.Ordinal);
        var results = _store.List<ResultThread>().ToDictionary(r => r.Value.Id, r => r.Value.Latest.PatientId, StringComparer.Ordinal);
        var claims = _store.List<Claim>().ToDictionary(c => c.Value.Id, c => c.Value.Patient.Id, StringComparer.Ordinal);
        return Disclose(actor, "Worklist", worklist,
        [
            .. worklist.CareActivities.Select(a => AccessedRecord.Of<CarePlan>(a.PlanId, a.PatientId)),
            .. worklist.Referrals.Select(r => AccessedRecord.Of<Referral>(r.ReferralId, referrals.GetValueOrDefault(r.ReferralId, "?"))),
            .. worklist.ResultTasks.Select(t => AccessedRecord.Of<ResultThread>(t.ResultId, results.GetValueOrDefault(t.ResultId, "?"))),
            .. worklist.NoShows.Select(v => AccessedRecord.Of<Visit>(v.Id, v.PatientId)),
            .. worklist.Visits.Select(v => AccessedRecord.Of<Visit>(v.VisitId, v.PatientId)),
            .. worklist.CarePlans.Select(p => AccessedRecord.Of<CarePlan>(p.PlanId, p.PatientId)),
            .. worklist.Claims.Select(c => AccessedRecord.Of<Claim>(c.ClaimId, claims.GetValueOrDefault(c.ClaimId, "?"))),
        ]);
    }

    /// <summary>The messages due now, read by someone (recorded).</summary>
    /// <param name="actor">Who reads them (for example the sender process).</param>
    /// <returns>The messages.</returns>
    public IReadOnlyList<OutboxMessage> DueMessages(string actor)
    {
        var due = DueMessages();
        return Disclose(actor, "DueMessages", due, [.. due.Select(m => AccessedRecord.Of<OutboxMessage>(m.Id, m.PatientId))]);
    }

    /// <summary>The scheduling requests due within a horizon, read by someone (recorded: the care plans they come from).</summary>
    /// <param name="horizon">The dates being scheduled.</param>
    /// <param name="actor">Who reads them.</param>
    /// <returns>The due occurrences.</returns>
    public IReadOnlyList<DueOccurrence> DueRequests(DateInterval horizon, string actor)
    {
        var due = DueRequests(horizon);
        return Disclose(actor, "DueRequests", due, [.. due.Select(d => AccessedRecord.Of<CarePlan>(d.PlanId, d.PatientId))]);
    }

    /// <summary>Who read a patient's records through the engine, and when: the read entries naming the patient, oldest first.</summary>
    /// <param name="patientId">The patient.</param>
    /// <returns>The entries (actor, time, operation; <see cref="AuditEntry.Content"/> lists the records read).</returns>
    public IReadOnlyList<AuditEntry> ReadsOf(string patientId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        return [.. _store.AuditTrail().Where(e => AccessedRecord.PatientsOf(e).Contains(patientId, StringComparer.Ordinal))];
    }

    /// <summary>The patient a stored record is about.</summary>
    private static string PatientOf(object record) => record switch
    {
        CarePlan p => p.PatientId,
        Visit v => v.PatientId,
        Consent c => c.PatientId,
        IntakeResponse i => i.PatientId,
        ResultThread r => r.Latest.PatientId,
        Referral r => r.PatientId,
        OutboxMessage m => m.PatientId,
        Claim c => c.Patient.Id,
        _ => throw new ArgumentException($"The engine does not store records of type {record.GetType().Name}.", nameof(record)),
    };

    /// <summary>The one place a read is recorded: one entry for the operation, then the result is handed out.</summary>
    private T Disclose<T>(string actor, string operation, T result, IReadOnlyList<AccessedRecord> records)
    {
        _store.RecordAccess(actor, operation, records);
        return result;
    }
}
