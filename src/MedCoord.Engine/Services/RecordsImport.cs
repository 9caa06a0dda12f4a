using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Visits;

namespace MedCoord.Engine;

/// <summary>A care plan written elsewhere (an EHR), to be stored as a new plan by <see cref="RecordsService.ImportAsync"/>.</summary>
/// <param name="Id">Opaque plan id (no '/').</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="Goals">Its goals.</param>
/// <param name="Activities">Its activities, their progress fields at their defaults (not started, nothing done or booked).</param>
/// <param name="Activate">Whether the plan is in force (stored active, so its activities fall due); false stores it in draft.</param>
public sealed record CarePlanImport(string Id, string PatientId, IReadOnlyList<CarePlanGoal> Goals, IReadOnlyList<CareActivity> Activities, bool Activate);

/// <summary>A referral written elsewhere (an EHR), to be stored as a new referral by <see cref="RecordsService.ImportAsync"/>.</summary>
/// <param name="Id">Opaque referral id.</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="FromProviderId">The referring provider.</param>
/// <param name="Target">A specialty or an external facility id.</param>
/// <param name="Priority">How soon it is needed.</param>
/// <param name="Sent">Whether it has gone to the target (stored sent, at the import's time, so its loop is tracked); false stores a draft.</param>
public sealed record ReferralImport(string Id, string PatientId, string FromProviderId, string Target, ReferralPriority Priority, bool Sent);

/// <summary>
/// Records a host takes in from elsewhere (an EHR is their source), stored together or not at all by
/// <see cref="RecordsService.ImportAsync"/>: new care plans and referrals, and consents and intake responses (new, or
/// replacing the stored one of the same id, as <see cref="VisitService.RecordConsentAsync"/> does).
/// </summary>
/// <param name="CarePlans">New care plans.</param>
/// <param name="Referrals">New referrals.</param>
/// <param name="Consents">Consents, new or changed.</param>
/// <param name="Intakes">Intake responses, new or changed.</param>
public sealed record RecordsImport(IReadOnlyList<CarePlanImport> CarePlans, IReadOnlyList<ReferralImport> Referrals, IReadOnlyList<Consent> Consents, IReadOnlyList<IntakeResponse> Intakes)
{
    /// <summary>Gets how many records the import holds.</summary>
    public int Count => CarePlans.Count + Referrals.Count + Consents.Count + Intakes.Count;
}
