using Microsoft.Extensions.Logging;

namespace MedCoord.Engine.Services;

/// <summary>The engine's log events: opaque ids, statuses and counts only — never a patient's data.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 4001, EventName = "CommitConflict", Level = LogLevel.Warning,
        Message = "The {Kind} {Id} changed since it was read (based on version {ExpectedVersion}, stored {StoredVersion}); nothing was saved")]
    public static partial void CommitConflict(ILogger logger, string kind, string id, long expectedVersion, long storedVersion);

    [LoggerMessage(EventId = 4101, EventName = "CarePlanCreated", Level = LogLevel.Information, Message = "Care plan {PlanId} created by {Actor}")]
    public static partial void CarePlanCreated(ILogger logger, string planId, string actor);

    [LoggerMessage(EventId = 4102, EventName = "CarePlanChanged", Level = LogLevel.Information, Message = "Care plan {PlanId} changed by {Actor}: {Actions}")]
    public static partial void CarePlanChanged(ILogger logger, string planId, string actor, string actions);

    [LoggerMessage(EventId = 4201, EventName = "VisitsBooked", Level = LogLevel.Information, Message = "{Visits} visits booked from {Assignments} assignments by {Actor}")]
    public static partial void VisitsBooked(ILogger logger, int visits, int assignments, string actor);

    [LoggerMessage(EventId = 4202, EventName = "VisitMoved", Level = LogLevel.Information, Message = "Visit {VisitId} moved to {Status} by {Actor}")]
    public static partial void VisitMoved(ILogger logger, string visitId, string status, string actor);

    [LoggerMessage(EventId = 4203, EventName = "CheckInRefused", Level = LogLevel.Information, Message = "Visit {VisitId} not checked in: {Reasons} reasons")]
    public static partial void CheckInRefused(ILogger logger, string visitId, int reasons);

    [LoggerMessage(EventId = 4204, EventName = "NoShowsMarked", Level = LogLevel.Information, Message = "{Marked} visits marked no-show, {Failed} could not be marked")]
    public static partial void NoShowsMarked(ILogger logger, int marked, int failed);

    [LoggerMessage(EventId = 4205, EventName = "NoShowFailed", Level = LogLevel.Warning, Message = "Visit {VisitId} could not be marked no-show ({Error})")]
    public static partial void NoShowFailed(ILogger logger, string visitId, string error);

    [LoggerMessage(EventId = 4206, EventName = "FormRecorded", Level = LogLevel.Information, Message = "{Form} {Id} recorded by {Actor}: {Action}")]
    public static partial void FormRecorded(ILogger logger, string form, string id, string actor, string action);

    [LoggerMessage(EventId = 4301, EventName = "ResultReceived", Level = LogLevel.Information, Message = "Result {ResultId} received from {Actor}: task {TaskId}")]
    public static partial void ResultReceived(ILogger logger, string resultId, string actor, string taskId);

    [LoggerMessage(EventId = 4302, EventName = "ResultTaskCompleted", Level = LogLevel.Information, Message = "Result {ResultId} task {TaskId} done by {Actor}")]
    public static partial void ResultTaskCompleted(ILogger logger, string resultId, string taskId, string actor);

    [LoggerMessage(EventId = 4303, EventName = "ResultReleased", Level = LogLevel.Information, Message = "Result {ResultId} task {TaskId} released by {Actor}: message {MessageId}")]
    public static partial void ResultReleased(ILogger logger, string resultId, string taskId, string actor, string messageId);

    [LoggerMessage(EventId = 4401, EventName = "ReferralMoved", Level = LogLevel.Information, Message = "Referral {ReferralId} moved to {Status} by {Actor}")]
    public static partial void ReferralMoved(ILogger logger, string referralId, string status, string actor);

    [LoggerMessage(EventId = 4501, EventName = "ClaimMoved", Level = LogLevel.Information, Message = "Claim {ClaimId} moved to {Status} by {Actor}")]
    public static partial void ClaimMoved(ILogger logger, string claimId, string status, string actor);

    [LoggerMessage(EventId = 4502, EventName = "ClaimsTakenIn", Level = LogLevel.Information, Message = "{Claims} claims saved by {Actor}: {Action}")]
    public static partial void ClaimsTakenIn(ILogger logger, int claims, string actor, string action);

    [LoggerMessage(EventId = 4601, EventName = "MessageDelivery", Level = LogLevel.Information, Message = "Message {MessageId} reported {Result} by {Actor}")]
    public static partial void MessageDelivery(ILogger logger, string messageId, string result, string actor);

    [LoggerMessage(EventId = 4602, EventName = "MessagesDue", Level = LogLevel.Debug, Message = "{Count} messages due")]
    public static partial void MessagesDue(ILogger logger, int count);

    [LoggerMessage(EventId = 4701, EventName = "WorklistBuilt", Level = LogLevel.Debug, Message = "Worklist built from {Records} open records: {Items} items")]
    public static partial void WorklistBuilt(ILogger logger, int records, int items);

    [LoggerMessage(EventId = 4801, EventName = "RecordsRead", Level = LogLevel.Information, Message = "{Operation} read by {Actor}: {Records} records")]
    public static partial void RecordsRead(ILogger logger, string operation, string actor, int records);

    [LoggerMessage(EventId = 4802, EventName = "RecordsImported", Level = LogLevel.Information, Message = "{Records} records imported by {Actor}")]
    public static partial void RecordsImported(ILogger logger, int records, string actor);
}
