using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Communications;

/// <summary>What a message is for.</summary>
public enum MessagePurpose
{
    /// <summary>A reminder before the visit.</summary>
    Reminder,

    /// <summary>A follow-up after the visit.</summary>
    FollowUp,

    /// <summary>The patient's result is ready: sent when the provider releases it, after review.</summary>
    ResultNotification,
}

/// <summary>What became of a message the host tried to send.</summary>
public enum DeliveryResult
{
    /// <summary>Delivered.</summary>
    Delivered,

    /// <summary>Could not be delivered; the host may try again.</summary>
    Failed,

    /// <summary>The address is not valid; trying again will not help.</summary>
    Rejected,
}

/// <summary>One message waiting in the outbox for the host to send. Opaque ids and a template code only.</summary>
/// <param name="Id">Opaque id: visit, purpose and offset; or the notification task and attempt.</param>
/// <param name="VisitId">The visit a reminder or follow-up is for; null for a result notification.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="Purpose">Reminder, follow-up or result notification.</param>
/// <param name="Template">The host's template code, for example "reminder-48h".</param>
/// <param name="SendAt">When to send it: outside quiet hours in the patient's zone.</param>
/// <param name="Delivery">What became of it, once the host reports; null while pending.</param>
/// <param name="ReportedAt">When the host reported it.</param>
/// <param name="CancelledAt">When it was withdrawn because what it announces will not happen (the visit cancelled or a no-show, the result superseded); null while it stands.</param>
/// <param name="ResultId">The result a notification is about; null for visit messages.</param>
/// <param name="TaskId">The patient-notification task a notification carries out; null for visit messages.</param>
public sealed record OutboxMessage(
    string Id,
    string? VisitId,
    string PatientId,
    MessagePurpose Purpose,
    string Template,
    Instant SendAt,
    DeliveryResult? Delivery,
    Instant? ReportedAt,
    Instant? CancelledAt = null,
    string? ResultId = null,
    string? TaskId = null)
{
    /// <summary>Gets whether the message may still go out: not cancelled, and not delivered or rejected.</summary>
    public bool IsPending => CancelledAt is null && Delivery is null or DeliveryResult.Failed;
}

/// <summary>When messages go out. Mutable options, validated by <see cref="Validate"/>.</summary>
public sealed class OutboxOptions
{
    /// <summary>Gets or sets how long before the visit reminders go out.</summary>
    /// <value>The default is 48 and 2 hours.</value>
    public List<Duration> RemindersBefore { get; set; } = [Duration.FromHours(48), Duration.FromHours(2)];

    /// <summary>Gets or sets how long after the visit's end the follow-up goes out; null for none.</summary>
    /// <value>The default is 24 hours.</value>
    public Duration? FollowUpAfter { get; set; } = Duration.FromHours(24);

    /// <summary>Gets or sets when quiet hours start, on the patient's local clock.</summary>
    /// <value>The default is 21:00.</value>
    public LocalTime QuietFrom { get; set; } = new(21, 0);

    /// <summary>Gets or sets when quiet hours end, on the patient's local clock (may be the next day).</summary>
    /// <value>The default is 08:00.</value>
    public LocalTime QuietUntil { get; set; } = new(8, 0);

    /// <summary>Every problem with the options.</summary>
    /// <returns>One error per problem, its path the option; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate()
    {
        var problems = new List<ValidationError>();
        if (RemindersBefore is null || RemindersBefore.Any(d => d <= Duration.Zero))
        {
            problems.Add(new("RemindersBefore", "every reminder must be a positive time before the visit"));
        }

        if (FollowUpAfter is { } after && after < Duration.Zero)
        {
            problems.Add(new($"FollowUpAfter", $"must not be negative, found {after}"));
        }

        if (QuietFrom == QuietUntil)
        {
            problems.Add(new("QuietFrom and QuietUntil", "must differ (equal times would make every hour quiet or none)"));
        }

        return problems;
    }
}

/// <summary>
/// Plans reminders and follow-ups for a visit in the patient's local time, moved out of quiet hours: a reminder that
/// falls in them goes out when they end if that is still before the visit, else in the minute before they began; a follow-up goes out
/// when they end. The host sends what is due and reports each delivery. Thread safe (no state).
/// </summary>
public static class Outbox
{
    /// <summary>The messages for one visit, in send order. Reminders whose time has passed are not planned.</summary>
    /// <param name="visitId">The visit.</param>
    /// <param name="patientId">The patient.</param>
    /// <param name="start">The visit's start.</param>
    /// <param name="end">The visit's end.</param>
    /// <param name="patientZone">The patient's zone (quiet hours are theirs).</param>
    /// <param name="options">When messages go out.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The messages.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="ValidationException">The visit ends before it starts (path <c>end</c>).</exception>
    public static IReadOnlyList<OutboxMessage> Plan(string visitId, string patientId, Instant start, Instant end, DateTimeZone patientZone, OutboxOptions options, IClock clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(visitId);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentNullException.ThrowIfNull(patientZone);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ValidationException.ThrowIfAny(options.Validate(), "outbox options", nameof(options));

        if (end < start)
        {
            throw new ValidationException([new ValidationError(nameof(end), "the visit ends before it starts")], $"visit '{visitId}'", nameof(end));
        }

        var now = clock.GetCurrentInstant();
        var messages = new List<OutboxMessage>();
        foreach (var before in options.RemindersBefore.Distinct().OrderByDescending(d => d))
        {
            var at = OutsideQuietHours(start - before, patientZone, options, mustBeBefore: start);
            if (at is { } sendAt && sendAt >= now)
            {
                messages.Add(new OutboxMessage($"{visitId}/reminder/{before.TotalMinutes:0}m", visitId, patientId, MessagePurpose.Reminder,
                    $"reminder-{before.TotalHours:0.##}h", sendAt, null, null));
            }
        }

        if (options.FollowUpAfter is { } after && OutsideQuietHours(end + after, patientZone, options, mustBeBefore: null) is { } followUp)
        {
            messages.Add(new OutboxMessage($"{visitId}/follow-up", visitId, patientId, MessagePurpose.FollowUp, "follow-up", followUp, null, null));
        }

        return [.. messages.OrderBy(m => m.SendAt)];
    }

    /// <summary>
    /// The message telling a patient that a reviewed result is ready (template <c>result-ready</c>; nothing of the
    /// result itself): due now, or when quiet hours end in the patient's zone.
    /// </summary>
    /// <param name="task">The open patient-notification task it carries out.</param>
    /// <param name="patientId">The patient.</param>
    /// <param name="attempt">Which release of the task this is, from 1 (a rejected message may be released again).</param>
    /// <param name="patientZone">The patient's zone.</param>
    /// <param name="options">Quiet hours.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The message.</returns>
    /// <exception cref="ArgumentException">The task is not an open patient notification, or the attempt is not positive.</exception>
    public static OutboxMessage PlanResultNotification(RelayTask task, string patientId, int attempt, DateTimeZone patientZone, OutboxOptions options, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentNullException.ThrowIfNull(patientZone);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        if (task.Step != RelayStep.PatientNotification || !task.IsOpen)
        {
            throw new ArgumentException($"Task '{task.Id}' is not an open patient notification.", nameof(task));
        }

        var sendAt = OutsideQuietHours(clock.GetCurrentInstant(), patientZone, options, mustBeBefore: null)!.Value;
        return new OutboxMessage($"{task.Id}/message-{attempt}", null, patientId, MessagePurpose.ResultNotification, "result-ready", sendAt, null, null,
            ResultId: task.ResultId, TaskId: task.Id);
    }

    /// <summary>Withdraws a pending or failed message: what it announces will not happen. It is never due again.</summary>
    /// <param name="message">The message.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The message, cancelled.</returns>
    /// <exception cref="InvalidOperationException">It is no longer pending (delivered, rejected or cancelled).</exception>
    public static OutboxMessage Cancel(OutboxMessage message, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(clock);
        if (!message.IsPending)
        {
            throw new InvalidOperationException($"Message '{message.Id}' is no longer pending; only a pending or failed message can be cancelled.");
        }

        return message with { CancelledAt = clock.GetCurrentInstant() };
    }

    /// <summary>Records what the host reported for a message (a cancelled one too: the host may have sent it before it was cancelled; it stays cancelled).</summary>
    /// <param name="message">A pending or failed message.</param>
    /// <param name="result">What happened.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The message with its delivery recorded.</returns>
    /// <exception cref="InvalidOperationException">It was already delivered or rejected.</exception>
    public static OutboxMessage RecordDelivery(OutboxMessage message, DeliveryResult result, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(clock);
        if (message.Delivery is DeliveryResult.Delivered or DeliveryResult.Rejected)
        {
            throw new InvalidOperationException($"Message '{message.Id}' is already {message.Delivery}; only a pending or failed message takes a new delivery result.");
        }

        return message with { Delivery = result, ReportedAt = clock.GetCurrentInstant() };
    }

    /// <summary>
    /// Messages the host should send now: pending or failed, not cancelled, due by now, and still true — a reminder
    /// only while its visit is booked, a follow-up only once its visit was fulfilled, a result notification only while
    /// its task is open and released.
    /// </summary>
    /// <param name="messages">The outbox.</param>
    /// <param name="visits">The visits the messages are for.</param>
    /// <param name="results">The result threads the notifications are for.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>Due messages in send order.</returns>
    public static IReadOnlyList<OutboxMessage> Due(IEnumerable<OutboxMessage> messages, IEnumerable<Visit> visits, IEnumerable<ResultThread> results, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(visits);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetCurrentInstant();
        var status = visits.ToDictionary(v => v.Id, v => v.Status, StringComparer.Ordinal);
        var tasks = results.SelectMany(t => t.Tasks).ToDictionary(t => t.Id, StringComparer.Ordinal);
        bool StillTrue(OutboxMessage m) => m.Purpose switch
        {
            MessagePurpose.Reminder => m.VisitId is { } v && status.GetValueOrDefault(v, VisitStatus.Cancelled) == VisitStatus.Booked,
            MessagePurpose.FollowUp => m.VisitId is { } v && status.GetValueOrDefault(v, VisitStatus.Cancelled) == VisitStatus.Fulfilled,
            _ => m.TaskId is { } t && tasks.TryGetValue(t, out var task) && task.IsOpen && task.ReleasedAt is not null,
        };

        return [.. messages.Where(m => m.SendAt <= now && m.IsPending && StillTrue(m)).OrderBy(m => m.SendAt).ThenBy(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The planned instant, or the nearest allowed one when it falls in quiet hours: their end if that is before
    /// <paramref name="mustBeBefore"/> (or there is no such limit), else the minute before they began. Null when neither works.
    /// </summary>
    private static Instant? OutsideQuietHours(Instant planned, DateTimeZone zone, OutboxOptions options, Instant? mustBeBefore)
    {
        var local = planned.InZone(zone);
        var time = local.TimeOfDay;
        var crossesMidnight = options.QuietFrom > options.QuietUntil;
        var quiet = crossesMidnight ? time >= options.QuietFrom || time < options.QuietUntil : time >= options.QuietFrom && time < options.QuietUntil;
        if (!quiet)
        {
            return planned;
        }

        // The quiet stretch holding the planned time: it started today or yesterday, and ends today or tomorrow.
        var startDate = crossesMidnight && time < options.QuietUntil ? local.Date.PlusDays(-1) : local.Date;
        var endDate = crossesMidnight && time >= options.QuietFrom ? local.Date.PlusDays(1) : local.Date;
        var quietEnds = zone.AtLeniently(endDate + options.QuietUntil).ToInstant();
        var quietStarts = zone.AtLeniently(startDate + options.QuietFrom).ToInstant() - Duration.FromMinutes(1);
        if (mustBeBefore is not { } limit || quietEnds < limit)
        {
            return quietEnds;
        }

        return quietStarts < limit ? quietStarts : null;
    }
}
