using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;

namespace MedCoord.Engine;

/// <summary>
/// The action codes the engine writes into the audit trail: <c>Area.What</c>, codes only (never free text). A move of a
/// lifecycle writes its target status (<see cref="Visit(VisitStatus)"/>, <see cref="Referral(ReferralStatus)"/>,
/// <see cref="Claim(ClaimStatus)"/>); care-plan changes write the codes of the history entries they add.
/// </summary>
public static class AuditActions
{
    /// <summary>A care plan was created, in draft.</summary>
    public const string PlanCreated = "Plan.Created";

    /// <summary>A care plan was saved without a history entry of its own.</summary>
    public const string PlanSaved = "Plan.Saved";

    /// <summary>An activity was added to a care plan.</summary>
    public const string ActivityAdded = "Activity.Added";

    /// <summary>A care-plan activity's terms were edited.</summary>
    public const string ActivityEdited = "Activity.Edited";

    /// <summary>A care-plan activity's occurrence was booked.</summary>
    public const string ActivityScheduled = "Activity.Scheduled";

    /// <summary>The visit booking a care-plan activity's occurrence was cancelled or missed: the occurrence is open again.</summary>
    public const string ActivityBookingCancelled = "Activity.BookingCancelled";

    /// <summary>An occurrence of a recurring activity took place (the next one falls due).</summary>
    public const string ActivityOccurrenceDone = "Activity.OccurrenceDone";

    /// <summary>A one-off activity took place.</summary>
    public const string ActivityCompleted = "Activity.Completed";

    /// <summary>A visit was booked from a schedule.</summary>
    public const string VisitBooked = "Visit.Booked";

    /// <summary>A reminder, follow-up or result notification was planned.</summary>
    public const string MessagePlanned = "Message.Planned";

    /// <summary>A pending message was cancelled.</summary>
    public const string MessageCancelled = "Message.Cancelled";

    /// <summary>A consent was recorded for the first time.</summary>
    public const string ConsentGiven = "Consent.Given";

    /// <summary>A recorded consent was changed.</summary>
    public const string ConsentChanged = "Consent.Changed";

    /// <summary>A recorded consent was revoked.</summary>
    public const string ConsentRevoked = "Consent.Revoked";

    /// <summary>An intake questionnaire was completed.</summary>
    public const string IntakeCompleted = "Intake.Completed";

    /// <summary>A result's review was done (its patient notification opens).</summary>
    public const string ResultReviewed = "Result.Reviewed";

    /// <summary>A result's patient notification was done.</summary>
    public const string ResultPatientNotified = "Result.PatientNotified";

    /// <summary>A reviewed result was released to the patient.</summary>
    public const string ResultReleased = "Result.Released";

    /// <summary>A referral was created, in draft.</summary>
    public const string ReferralDraft = "Referral.Draft";

    /// <summary>A claim was created, in draft.</summary>
    public const string ClaimDraft = "Claim.Draft";

    /// <summary>A claim the engine did not hold was taken in as submitted (from an inbound acknowledgement or remittance).</summary>
    public const string ClaimSubmitted = "Claim.Submitted";

    /// <summary>A claim was moved by a 999 functional acknowledgement.</summary>
    public const string ClaimAcknowledged999 = "Claim.Acknowledged999";

    /// <summary>A claim was moved by a 277CA claim acknowledgement.</summary>
    public const string ClaimAcknowledged277 = "Claim.Acknowledged277";

    /// <summary>An 835 remittance was posted to a claim.</summary>
    public const string ClaimRemittancePosted = "Claim.RemittancePosted";

    /// <summary>The code of a care plan's move.</summary>
    /// <param name="to">The status it moved to.</param>
    /// <returns>For example <c>Plan.Active</c>.</returns>
    public static string Plan(CarePlanStatus to) => $"Plan.{to}";

    /// <summary>The code of a care-plan activity's move.</summary>
    /// <param name="to">The status it moved to.</param>
    /// <returns>For example <c>Activity.OnHold</c>.</returns>
    public static string Activity(ActivityStatus to) => $"Activity.{to}";

    /// <summary>The code of a visit's move.</summary>
    /// <param name="to">The status it moved to.</param>
    /// <returns>For example <c>Visit.CheckedIn</c>.</returns>
    public static string Visit(VisitStatus to) => $"Visit.{to}";

    /// <summary>The code of a referral's move.</summary>
    /// <param name="to">The status it moved to.</param>
    /// <returns>For example <c>Referral.Sent</c>.</returns>
    public static string Referral(ReferralStatus to) => $"Referral.{to}";

    /// <summary>The code of a claim's move.</summary>
    /// <param name="to">The status it moved to.</param>
    /// <returns>For example <c>Claim.Ready</c>.</returns>
    public static string Claim(ClaimStatus to) => $"Claim.{to}";

    /// <summary>The code of a result (or a new version of one) received.</summary>
    /// <param name="status">Its status.</param>
    /// <returns>For example <c>Result.Final</c>.</returns>
    public static string Result(ResultStatus status) => $"Result.{status}";

    /// <summary>The code of a message's delivery report.</summary>
    /// <param name="result">What the host reported.</param>
    /// <returns>For example <c>Message.Delivered</c>.</returns>
    public static string Message(DeliveryResult result) => $"Message.{result}";
}
