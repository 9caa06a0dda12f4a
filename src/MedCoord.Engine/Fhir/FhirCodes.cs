using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;

namespace MedCoord.Engine.Fhir;

/// <summary>
/// The FHIR R4 codes of the engine's statuses, for hosts that exchange resources: CarePlan.status (request-status),
/// CarePlan.activity.detail.status (care-plan-activity-status), Goal.lifecycleStatus, Appointment.status,
/// ServiceRequest.priority (request-priority), the referral's tracking Task.status (task-status), and
/// Observation.status. Thread safe.
/// </summary>
public static class FhirCodes
{
    /// <summary>CarePlan.status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The code.</returns>
    public static string Code(this CarePlanStatus status) => status switch
    {
        CarePlanStatus.Draft => "draft",
        CarePlanStatus.Active => "active",
        CarePlanStatus.OnHold => "on-hold",
        CarePlanStatus.Revoked => "revoked",
        CarePlanStatus.Completed => "completed",
        CarePlanStatus.EnteredInError => "entered-in-error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>CarePlan.activity.detail.status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The code.</returns>
    public static string Code(this ActivityStatus status) => status switch
    {
        ActivityStatus.NotStarted => "not-started",
        ActivityStatus.Scheduled => "scheduled",
        ActivityStatus.InProgress => "in-progress",
        ActivityStatus.OnHold => "on-hold",
        ActivityStatus.Completed => "completed",
        ActivityStatus.Cancelled => "cancelled",
        ActivityStatus.Stopped => "stopped",
        ActivityStatus.EnteredInError => "entered-in-error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Goal.lifecycleStatus.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The code.</returns>
    public static string Code(this GoalStatus status) => status switch
    {
        GoalStatus.Proposed => "proposed",
        GoalStatus.Active => "active",
        GoalStatus.Completed => "completed",
        GoalStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Appointment.status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The code.</returns>
    public static string Code(this VisitStatus status) => status switch
    {
        VisitStatus.Booked => "booked",
        VisitStatus.Arrived => "arrived",
        VisitStatus.CheckedIn => "checked-in",
        VisitStatus.Fulfilled => "fulfilled",
        VisitStatus.Cancelled => "cancelled",
        VisitStatus.NoShow => "noshow",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>ServiceRequest.priority.</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>The code.</returns>
    public static string Code(this ReferralPriority priority) => priority switch
    {
        ReferralPriority.Routine => "routine",
        ReferralPriority.Urgent => "urgent",
        ReferralPriority.Asap => "asap",
        ReferralPriority.Stat => "stat",
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, null),
    };

    /// <summary>
    /// The referral's tracking Task.status (with ServiceRequest.status in brackets of the docs): draft, requested,
    /// accepted, rejected, in-progress (scheduled), completed (seen, report received, closed), cancelled, failed (expired).
    /// </summary>
    /// <param name="status">The status.</param>
    /// <returns>The code.</returns>
    public static string TaskCode(this ReferralStatus status) => status switch
    {
        ReferralStatus.Draft => "draft",
        ReferralStatus.Sent => "requested",
        ReferralStatus.Accepted => "accepted",
        ReferralStatus.Declined => "rejected",
        ReferralStatus.Scheduled => "in-progress",
        ReferralStatus.Completed or ReferralStatus.ReportReceived or ReferralStatus.Closed => "completed",
        ReferralStatus.Cancelled => "cancelled",
        ReferralStatus.Expired => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Observation.status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The code.</returns>
    public static string Code(this ResultStatus status) => status switch
    {
        ResultStatus.Preliminary => "preliminary",
        ResultStatus.Final => "final",
        ResultStatus.Amended => "amended",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
