using MedCoord.Engine;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Referrals;

namespace MedCoord.Fhir;

/// <summary>What the engine's records do not say and a bundle needs, from the host that runs the engine.</summary>
public sealed record EngineBundleOptions
{
    /// <summary>
    /// Gets the length in minutes of each appointment type (the scheduling problem's appointment types): a visit's
    /// Appointment.end is its start plus its type's minutes. A visit whose type is not here gets an end marked with the
    /// data-absent-reason extension (<c>unknown</c>), since the engine stores a visit's start only.
    /// </summary>
    /// <value>The default is none.</value>
    public IReadOnlyDictionary<string, int> AppointmentMinutes { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Gets the referral limits the engine runs with: a sent referral's due date (Task.restriction.period.end) is its send time plus its priority's report limit.</summary>
    /// <value>The default is the engine's default limits.</value>
    public ReferralOptions Referrals { get; init; } = new();
}

/// <summary>
/// The engine's records as one FHIR R4 Bundle (type <c>collection</c>): care plans, visits, consents, intake, results
/// and their relay tasks, referrals, outbox messages, claims and the audit trail, with a Patient for every patient
/// they name. Every resource has a stable <c>urn:uuid</c> full URL derived from its engine id, so exporting the same
/// records twice gives the same bundle. docs/fhir.md lists where each field goes. Thread safe (no state).
/// </summary>
public static class EngineBundle
{
    /// <summary>The bundle of the engine's records and its audit trail.</summary>
    /// <param name="records">Every record (<see cref="RecordsService.ExportAsync"/>).</param>
    /// <param name="auditTrail">The audit trail (<see cref="RecordsService.AuditTrailAsync"/>); empty to leave it out.</param>
    /// <param name="options">What the records do not say; null for the defaults.</param>
    /// <returns>The bundle, its timestamp the export time.</returns>
    /// <exception cref="ArgumentNullException">The records or the trail is null.</exception>
    public static Hl7.Fhir.Model.Bundle Export(EngineRecords records, IReadOnlyList<AuditEntry> auditTrail, EngineBundleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(auditTrail);
        return new EngineMapping(records, options ?? new EngineBundleOptions()).Map(auditTrail);
    }

    /// <summary>
    /// The records an EHR is the source of, read from a bundle (any type) to be stored by <see cref="RecordsService.ImportAsync"/>:
    /// CarePlans (draft or active, with their Goals; activities not started, or over and left out), referral
    /// ServiceRequests (category or code SNOMED CT 3457005; draft or active, active stored as sent), Consents (active,
    /// or inactive and rejected as revoked) and completed QuestionnaireResponses as intake. References resolve by full
    /// URL, <c>Type/id</c> and <c>#id</c>; ids come from identifiers (<c>urn:medcoord:{kind}</c> first), else resource
    /// ids. docs/fhir.md has the table.
    /// </summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>The records, or every problem with its FHIRPath.</returns>
    /// <exception cref="ArgumentNullException">The bundle is null.</exception>
    public static EngineImport Import(Hl7.Fhir.Model.Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return EngineImportReader.Read(bundle);
    }
}
