using MedCoord.Engine.Communications;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Communications;

public sealed class OutboxTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private static readonly DateTimeZone Tokyo = DateTimeZoneProviders.Tzdb["Asia/Tokyo"];

    private static Instant At(DateTimeZone zone, int month, int day, int hour, int minute = 0) => zone.AtStrictly(new LocalDateTime(2026, month, day, hour, minute)).ToInstant();

    private static string Local(OutboxMessage m, DateTimeZone zone) => m.SendAt.InZone(zone).LocalDateTime.ToString("yyyy-MM-dd HH:mm", null);

    private static readonly FakeClock LongBefore = new(Instant.FromUtc(2026, 1, 1, 0, 0));

    [Fact]
    public void Plan_DaytimeVisit_RemindsTwoDaysAndTwoHoursBeforeAndFollowsUpNextDay()
    {
        var start = At(NewYork, 12, 8, 10);

        var messages = Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromMinutes(30), NewYork, new OutboxOptions(), LongBefore);

        Assert.Equal(["2026-12-06 10:00 reminder-48h", "2026-12-08 08:00 reminder-2h", "2026-12-09 10:30 follow-up"],
            messages.Select(m => $"{Local(m, NewYork)} {m.Template}"));
    }

    [Theory]
    [InlineData(8, 30, "2026-12-08 08:00")] // 06:30 is quiet: sent when quiet hours end, still before the visit
    [InlineData(7, 30, "2026-12-07 20:59")] // quiet hours end after the visit: sent the minute before they began
    public void Plan_ReminderInQuietHours_MovesOutOfThem(int hour, int minute, string expected)
    {
        var start = At(NewYork, 12, 8, hour, minute);

        var reminder = Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromMinutes(30), NewYork, new OutboxOptions(), LongBefore)
            .Single(m => m.Template == "reminder-2h");

        Assert.Equal(expected, Local(reminder, NewYork));
        Assert.True(reminder.SendAt < start);
    }

    [Fact]
    public void Plan_PatientInAnotherZone_KeepsTheirQuietHours()
    {
        // 18:00 in New York is 08:00 next morning in Tokyo: two hours before is 06:00 Tokyo, quiet there.
        var start = At(NewYork, 12, 8, 18);

        var reminder = Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromMinutes(30), Tokyo, new OutboxOptions(), LongBefore)
            .Single(m => m.Template == "reminder-2h");

        Assert.Equal("2026-12-08 20:59", Local(reminder, Tokyo));
    }

    [Fact]
    public void Plan_QuietHoursEndingInTheSpringGap_EndWhenTheClockResumes()
    {
        // Three hours before 05:00 EDT is 01:00 EST, inside quiet hours that end at 02:30 — a time that does not exist
        // that day: they end when the clock resumes, shifted by the gap, at 03:30 EDT.
        var options = new OutboxOptions { RemindersBefore = [Duration.FromHours(3)], FollowUpAfter = null, QuietFrom = new LocalTime(22, 0), QuietUntil = new LocalTime(2, 30) };
        var start = At(NewYork, 3, 8, 5);

        var reminder = Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromMinutes(30), NewYork, options, LongBefore).Single();

        Assert.Equal("2026-03-08 03:30", Local(reminder, NewYork));
    }

    [Fact]
    public void Due_FailedAgainDeliveredNot_AndDeliveredIsFinal()
    {
        var start = At(NewYork, 12, 8, 10);
        var clock = new FakeClock(At(NewYork, 12, 8, 9));
        var messages = Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromMinutes(30), NewYork, new OutboxOptions(), LongBefore).ToList();

        Visit[] booked = [Visit(VisitStatus.Booked, start)];
        var due = Outbox.Due(messages, booked, [], clock);
        var failed = Outbox.RecordDelivery(due[0], DeliveryResult.Failed, clock);
        var delivered = Outbox.RecordDelivery(due[1], DeliveryResult.Delivered, clock);

        Assert.Equal(["reminder-48h", "reminder-2h"], due.Select(m => m.Template));
        Assert.Equal([failed.Id], Outbox.Due([failed, delivered, messages[2]], booked, [], clock).Select(m => m.Id));
        Assert.Contains("already Delivered", Assert.Throws<InvalidOperationException>(() => Outbox.RecordDelivery(delivered, DeliveryResult.Failed, clock)).Message);
    }

    private static Visit Visit(VisitStatus status, Instant start) => new("visit-1", "pat-1", "new-patient", start, status, []);

    /// <summary>A due message goes out only while it is still true: reminders for a booked visit, follow-ups for a fulfilled one.</summary>
    [Theory]
    [InlineData(VisitStatus.Booked, "reminder-48h reminder-2h")]
    [InlineData(VisitStatus.Arrived, "")]
    [InlineData(VisitStatus.CheckedIn, "")]
    [InlineData(VisitStatus.Fulfilled, "follow-up")]
    [InlineData(VisitStatus.Cancelled, "")]
    [InlineData(VisitStatus.NoShow, "")]
    public void Due_OnlyWhileTheVisitMakesTheMessageTrue(VisitStatus status, string expected)
    {
        var start = At(NewYork, 12, 8, 10);
        var messages = Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromMinutes(30), NewYork, new OutboxOptions(), LongBefore);
        var afterEverything = new FakeClock(At(NewYork, 12, 10, 12));

        var due = Outbox.Due(messages, [Visit(status, start)], [], afterEverything);

        Assert.Equal(expected, string.Join(" ", due.Select(m => m.Template)));
        Assert.Empty(Outbox.Due(messages, [], [], afterEverything)); // no such visit: nothing goes out
        Assert.Empty(Outbox.Due([.. messages.Select(m => Outbox.Cancel(m, afterEverything))], [Visit(status, start)], [], afterEverything));
    }

    [Fact]
    public void Due_ResultNotification_OnlyWhileItsTaskIsOpenAndReleased()
    {
        var clock = new FakeClock(At(NewYork, 12, 8, 22));
        var reviewed = ResultThreads.Complete(ResultThreads.Receive(null, new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Final, false), clock),
            "res-1/v1/ProviderReview", "dr-a", clock).Thread;
        var (released, task) = ResultThreads.Release(reviewed, "res-1/v1/PatientNotification", "dr-a", clock);
        var message = Outbox.PlanResultNotification(task, "pat-1", 1, NewYork, new OutboxOptions(), clock);
        var superseded = ResultThreads.Receive(released, new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Amended, false), clock);
        clock.Reset(At(NewYork, 12, 9, 8));

        Assert.Equal(("res-1/v1/PatientNotification/message-1", "result-ready", "2026-12-09 08:00"), (message.Id, message.Template, Local(message, NewYork)));
        Assert.Equal([message.Id], Outbox.Due([message], [], [released], clock).Select(m => m.Id));
        Assert.Empty(Outbox.Due([message], [], [reviewed], clock)); // not released
        Assert.Empty(Outbox.Due([message], [], [superseded], clock));
        Assert.Throws<ArgumentException>(() => Outbox.PlanResultNotification(superseded.Tasks[1], "pat-1", 1, NewYork, new OutboxOptions(), clock));
    }

    [Fact]
    public void Plan_RemindersAlreadyPastAndBadOptions()
    {
        var start = At(NewYork, 12, 8, 10);
        var now = new FakeClock(At(NewYork, 12, 7, 12));

        var messages = Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromMinutes(30), NewYork, new OutboxOptions(), now);

        Assert.Equal(["reminder-2h", "follow-up"], messages.Select(m => m.Template));
        var bad = new OutboxOptions { RemindersBefore = [Duration.Zero], QuietFrom = new LocalTime(8, 0) };
        var refused = Assert.Throws<ValidationException>(() => Outbox.Plan("v", "p", start, start, NewYork, bad, now));
        Assert.Contains("RemindersBefore", refused.Message);
        Assert.Contains("QuietFrom and QuietUntil", refused.Message);
    }

    private static OutboxMessage Message(string id = "visit-1/reminder/120m", DeliveryResult? delivery = null, Instant? cancelledAt = null) =>
        new(id, "visit-1", "pat-1", MessagePurpose.Reminder, "reminder-2h", At(NewYork, 12, 8, 8), delivery, delivery is null ? null : At(NewYork, 12, 8, 8), cancelledAt);

    [Theory]
    [InlineData(null, false, true)]
    [InlineData(DeliveryResult.Failed, false, true)]
    [InlineData(DeliveryResult.Delivered, false, false)]
    [InlineData(DeliveryResult.Rejected, false, false)]
    [InlineData(null, true, false)]
    [InlineData(DeliveryResult.Failed, true, false)]
    public void IsPending_UntilDeliveredRejectedOrCancelled(DeliveryResult? delivery, bool cancelled, bool pending)
    {
        Assert.Equal(pending, Message(delivery: delivery, cancelledAt: cancelled ? At(NewYork, 12, 7, 8) : null).IsPending);
    }

    [Fact]
    public void Plan_EveryField_IdsTemplatesAndSendTimes()
    {
        var start = At(NewYork, 12, 8, 10);
        var options = new OutboxOptions { RemindersBefore = [Duration.FromMinutes(90), Duration.FromHours(26), Duration.FromMinutes(90)], FollowUpAfter = Duration.FromHours(3) };

        var messages = Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromMinutes(45), NewYork, options, LongBefore);

        Assert.Equal(
            [
                new OutboxMessage("visit-1/reminder/1560m", "visit-1", "pat-1", MessagePurpose.Reminder, "reminder-26h", At(NewYork, 12, 7, 8), null, null),
                new OutboxMessage("visit-1/reminder/90m", "visit-1", "pat-1", MessagePurpose.Reminder, "reminder-1.5h", At(NewYork, 12, 8, 8, 30), null, null),
                new OutboxMessage("visit-1/follow-up", "visit-1", "pat-1", MessagePurpose.FollowUp, "follow-up", At(NewYork, 12, 8, 13, 45), null, null),
            ],
            messages);
    }

    [Fact]
    public void Plan_NoFollowUpWanted_OnlyReminders_AndAZeroDelayFollowsUpAtTheEnd()
    {
        var start = At(NewYork, 12, 8, 10);
        var none = new OutboxOptions { FollowUpAfter = null };
        var atOnce = new OutboxOptions { FollowUpAfter = Duration.Zero };

        Assert.Equal(["reminder-48h", "reminder-2h"], Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromHours(1), NewYork, none, LongBefore).Select(m => m.Template));
        Assert.Equal(At(NewYork, 12, 8, 11), Outbox.Plan("visit-1", "pat-1", start, start + Duration.FromHours(1), NewYork, atOnce, LongBefore).Single(m => m.Purpose == MessagePurpose.FollowUp).SendAt);
    }

    [Fact]
    public void Plan_ReminderDueExactlyNow_IsStillPlanned()
    {
        var start = At(NewYork, 12, 8, 10);

        var atTwoHours = Outbox.Plan("visit-1", "pat-1", start, start, NewYork, new OutboxOptions(), new FakeClock(start - Duration.FromHours(2)));
        var justAfter = Outbox.Plan("visit-1", "pat-1", start, start, NewYork, new OutboxOptions(), new FakeClock(start - Duration.FromHours(2) + Duration.FromSeconds(1)));

        Assert.Equal(["reminder-2h", "follow-up"], atTwoHours.Select(m => m.Template));
        Assert.Equal(["follow-up"], justAfter.Select(m => m.Template));
    }

    [Fact]
    public void Plan_AcrossTheAutumnChange_RemindsAnExactDurationBefore()
    {
        // New York leaves daylight saving at 02:00 on 1 November 2026: 48 hours before 10:00 EST on 2 November is 11:00 EDT on 31 October.
        var start = At(NewYork, 11, 2, 10);

        var reminder = Outbox.Plan("visit-1", "pat-1", start, start, NewYork, new OutboxOptions(), LongBefore).First();

        Assert.Equal(("reminder-48h", "2026-10-31 11:00"), (reminder.Template, Local(reminder, NewYork)));
        Assert.Equal(Instant.FromUtc(2026, 10, 31, 15, 0), reminder.SendAt);
    }

    [Fact]
    public void Plan_QuietHoursEndingInTheRepeatedHour_EndAtItsFirstOccurrence()
    {
        // Quiet 23:00-01:30; 01:30 happens twice on 1 November 2026 in New York (EDT, then EST): quiet hours end at the first.
        var options = new OutboxOptions { RemindersBefore = [Duration.FromHours(6)], FollowUpAfter = null, QuietFrom = new LocalTime(23, 0), QuietUntil = new LocalTime(1, 30) };
        var start = Instant.FromUtc(2026, 11, 1, 10, 30); // 05:30 EST; six hours before is 00:30 EDT

        var reminder = Outbox.Plan("visit-1", "pat-1", start, start, NewYork, options, LongBefore).Single();

        Assert.Equal(Instant.FromUtc(2026, 11, 1, 5, 30), reminder.SendAt);
    }

    [Theory]
    [InlineData(1, 0, "2026-12-07 20:59")] // 23:00 the evening before: quiet hours end at 08:00, after the visit
    [InlineData(10, 0, "2026-12-08 08:00")] // 23:00 the evening before: quiet hours end the next morning, before the visit
    [InlineData(8, 0, "2026-12-07 20:59")] // quiet hours end exactly at the visit: too late, the minute before they began
    [InlineData(8, 1, "2026-12-08 08:00")]
    public void Plan_ReminderLateInTheEvening_QuietStretchRunsIntoTheNextMorning(int hour, int minute, string expected)
    {
        var start = At(NewYork, 12, 8, hour, minute);
        var before = start - At(NewYork, 12, 7, 23);
        var options = new OutboxOptions { RemindersBefore = [before], FollowUpAfter = null };

        var reminder = Outbox.Plan("visit-1", "pat-1", start, start, NewYork, options, LongBefore).Single();

        Assert.Equal(expected, Local(reminder, NewYork));
    }

    [Theory]
    [InlineData(21, 0, "2026-12-10 08:00")] // quiet hours begin at 21:00 sharp
    [InlineData(20, 59, "2026-12-09 20:59")]
    [InlineData(23, 30, "2026-12-10 08:00")]
    [InlineData(2, 0, "2026-12-09 08:00")] // after midnight: the stretch that began the evening before ends this morning
    [InlineData(8, 0, "2026-12-09 08:00")]
    public void Plan_FollowUpInQuietHours_GoesOutWhenTheyEnd(int hour, int minute, string expected)
    {
        var end = At(NewYork, 12, 8, hour, minute);
        var options = new OutboxOptions { RemindersBefore = [], FollowUpAfter = Duration.FromHours(24) };

        var followUp = Outbox.Plan("visit-1", "pat-1", end - Duration.FromMinutes(30), end, NewYork, options, LongBefore).Single();

        Assert.Equal(expected, Local(followUp, NewYork));
    }

    [Theory]
    [InlineData(11, 59, "2026-12-09 11:59")]
    [InlineData(12, 0, "2026-12-09 14:00")] // quiet from noon
    [InlineData(13, 59, "2026-12-09 14:00")]
    [InlineData(14, 0, "2026-12-09 14:00")]
    [InlineData(23, 0, "2026-12-09 23:00")] // the stretch does not cross midnight: late evening is not quiet
    [InlineData(3, 0, "2026-12-09 03:00")]
    public void Plan_QuietHoursWithinOneDay_OnlyThatStretchIsQuiet(int hour, int minute, string expected)
    {
        var end = At(NewYork, 12, 8, hour, minute);
        var options = new OutboxOptions { RemindersBefore = [], FollowUpAfter = Duration.FromHours(24), QuietFrom = new LocalTime(12, 0), QuietUntil = new LocalTime(14, 0) };

        var followUp = Outbox.Plan("visit-1", "pat-1", end - Duration.FromMinutes(30), end, NewYork, options, LongBefore).Single();

        Assert.Equal(expected, Local(followUp, NewYork));
    }

    [Fact]
    public void Plan_QuietHoursWithinOneDay_ReminderFallsBackBeforeThemWhenTheyEndTooLate()
    {
        var start = At(NewYork, 12, 8, 13, 30);
        var options = new OutboxOptions { RemindersBefore = [Duration.FromHours(1)], FollowUpAfter = null, QuietFrom = new LocalTime(12, 0), QuietUntil = new LocalTime(14, 0) };

        var reminder = Outbox.Plan("visit-1", "pat-1", start, start, NewYork, options, LongBefore).Single();

        Assert.Equal("2026-12-08 11:59", Local(reminder, NewYork));
    }

    [Fact]
    public void Plan_BadArguments_AreRefusedNamingTheArgument()
    {
        var start = At(NewYork, 12, 8, 10);
        var options = new OutboxOptions();

        Assert.Equal("visitId", Assert.Throws<ArgumentException>(() => Outbox.Plan(" ", "pat-1", start, start, NewYork, options, LongBefore)).ParamName);
        Assert.Equal("patientId", Assert.Throws<ArgumentException>(() => Outbox.Plan("visit-1", "", start, start, NewYork, options, LongBefore)).ParamName);
        Assert.Equal("patientZone", Assert.Throws<ArgumentNullException>(() => Outbox.Plan("visit-1", "pat-1", start, start, null!, options, LongBefore)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => Outbox.Plan("visit-1", "pat-1", start, start, NewYork, null!, LongBefore)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => Outbox.Plan("visit-1", "pat-1", start, start, NewYork, options, null!)).ParamName);
        var backwards = Assert.Throws<ValidationException>(() => Outbox.Plan("visit-1", "pat-1", start, start - Duration.FromSeconds(1), NewYork, options, LongBefore));
        Assert.Equal(("end", "The visit 'visit-1' is invalid: end: the visit ends before it starts"), (backwards.ParamName, backwards.Message));
        var invalid = Assert.Throws<ValidationException>(() => Outbox.Plan("visit-1", "pat-1", start, start, NewYork, new OutboxOptions { QuietUntil = new LocalTime(21, 0) }, LongBefore));
        Assert.Equal(("options", "The outbox options is invalid: QuietFrom and QuietUntil: must differ (equal times would make every hour quiet or none)"), (invalid.ParamName, invalid.Message));
        var twoProblems = Assert.Throws<ValidationException>(() => Outbox.Plan("visit-1", "pat-1", start, start, NewYork, new OutboxOptions { RemindersBefore = [Duration.Zero], QuietUntil = new LocalTime(21, 0) }, LongBefore));
        Assert.Equal(
            [new("RemindersBefore", "every reminder must be a positive time before the visit"), new("QuietFrom and QuietUntil", "must differ (equal times would make every hour quiet or none)")],
            twoProblems.Errors);
    }

    [Fact]
    public void Options_Validate_NamesEveryProblemAndAllowsAnImmediateFollowUp()
    {
        var defaults = new OutboxOptions();

        Assert.Empty(defaults.Validate());
        Assert.Equal([Duration.FromHours(48), Duration.FromHours(2)], defaults.RemindersBefore);
        Assert.Equal((Duration.FromHours(24), new LocalTime(21, 0), new LocalTime(8, 0)), (defaults.FollowUpAfter, defaults.QuietFrom, defaults.QuietUntil));
        Assert.Empty(new OutboxOptions { RemindersBefore = [], FollowUpAfter = Duration.Zero }.Validate());
        Assert.Empty(new OutboxOptions { FollowUpAfter = null }.Validate());
        var negative = -Duration.FromHours(1);
        Assert.Equal(
            ["RemindersBefore: every reminder must be a positive time before the visit", $"FollowUpAfter: must not be negative, found {negative}", "QuietFrom and QuietUntil: must differ (equal times would make every hour quiet or none)"],
            new OutboxOptions { RemindersBefore = [Duration.FromHours(2), -Duration.FromMinutes(1)], FollowUpAfter = negative, QuietUntil = new LocalTime(21, 0) }.Validate().Select(e => e.ToString()));
        Assert.Equal(["RemindersBefore: every reminder must be a positive time before the visit"], new OutboxOptions { RemindersBefore = null! }.Validate().Select(e => e.ToString()));
    }

    [Fact]
    public void PlanResultNotification_EveryField_AndDueAtOnceOutsideQuietHours()
    {
        var clock = new FakeClock(At(NewYork, 12, 8, 14));
        var task = NotificationTask(clock);

        var message = Outbox.PlanResultNotification(task, "pat-1", 3, NewYork, new OutboxOptions(), clock);

        Assert.Equal(new OutboxMessage("res-1/v1/PatientNotification/message-3", null, "pat-1", MessagePurpose.ResultNotification, "result-ready", At(NewYork, 12, 8, 14),
            null, null, ResultId: "res-1", TaskId: "res-1/v1/PatientNotification"), message);
    }

    [Fact]
    public void PlanResultNotification_NotAnOpenNotificationOrBadArguments_IsRefused()
    {
        var clock = new FakeClock(At(NewYork, 12, 8, 14));
        var task = NotificationTask(clock);
        var options = new OutboxOptions();
        var review = task with { Id = "res-1/v1/ProviderReview", Step = RelayStep.ProviderReview };

        var notNotification = Assert.Throws<ArgumentException>(() => Outbox.PlanResultNotification(review, "pat-1", 1, NewYork, options, clock));
        var done = Assert.Throws<ArgumentException>(() => Outbox.PlanResultNotification(task with { DoneAt = clock.GetCurrentInstant() }, "pat-1", 1, NewYork, options, clock));

        Assert.Equal(("task", "Task 'res-1/v1/ProviderReview' is not an open patient notification. (Parameter 'task')"), (notNotification.ParamName, notNotification.Message));
        Assert.Equal("task", done.ParamName);
        Assert.Equal("attempt", Assert.Throws<ArgumentOutOfRangeException>(() => Outbox.PlanResultNotification(task, "pat-1", 0, NewYork, options, clock)).ParamName);
        Assert.Equal("task", Assert.Throws<ArgumentNullException>(() => Outbox.PlanResultNotification(null!, "pat-1", 1, NewYork, options, clock)).ParamName);
        Assert.Equal("patientId", Assert.Throws<ArgumentException>(() => Outbox.PlanResultNotification(task, " ", 1, NewYork, options, clock)).ParamName);
        Assert.Equal("patientZone", Assert.Throws<ArgumentNullException>(() => Outbox.PlanResultNotification(task, "pat-1", 1, null!, options, clock)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => Outbox.PlanResultNotification(task, "pat-1", 1, NewYork, null!, clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => Outbox.PlanResultNotification(task, "pat-1", 1, NewYork, options, null!)).ParamName);
        Assert.Equal("res-1/v1/PatientNotification/message-1", Outbox.PlanResultNotification(task, "pat-1", 1, NewYork, options, clock).Id);
    }

    private static RelayTask NotificationTask(FakeClock clock)
    {
        var thread = ResultThreads.Receive(null, new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Final, false), clock);
        return ResultThreads.Complete(thread, "res-1/v1/ProviderReview", "dr-a", clock).Opened!;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(DeliveryResult.Failed)]
    public void Cancel_PendingOrFailed_StampsNow(DeliveryResult? delivery)
    {
        var clock = new FakeClock(At(NewYork, 12, 8, 9));
        var message = Message(delivery: delivery);

        var cancelled = Outbox.Cancel(message, clock);

        Assert.Equal(message with { CancelledAt = At(NewYork, 12, 8, 9) }, cancelled);
        Assert.False(cancelled.IsPending);
    }

    [Theory]
    [InlineData(DeliveryResult.Delivered, false)]
    [InlineData(DeliveryResult.Rejected, false)]
    [InlineData(null, true)]
    public void Cancel_NoLongerPending_IsRefusedNamingTheMessage(DeliveryResult? delivery, bool cancelled)
    {
        var clock = new FakeClock(At(NewYork, 12, 8, 9));

        var refused = Assert.Throws<InvalidOperationException>(() => Outbox.Cancel(Message(delivery: delivery, cancelledAt: cancelled ? At(NewYork, 12, 8, 7) : null), clock));

        Assert.Equal("Message 'visit-1/reminder/120m' is no longer pending; only a pending or failed message can be cancelled.", refused.Message);
    }

    [Fact]
    public void RecordDelivery_FailedThenDelivered_AndACancelledMessageKeepsItsCancellation()
    {
        var clock = new FakeClock(At(NewYork, 12, 8, 8, 1));
        var failed = Outbox.RecordDelivery(Message(), DeliveryResult.Failed, clock);
        clock.AdvanceMinutes(10);

        var delivered = Outbox.RecordDelivery(failed, DeliveryResult.Delivered, clock);
        var cancelledThenSent = Outbox.RecordDelivery(Message(cancelledAt: At(NewYork, 12, 8, 8)), DeliveryResult.Delivered, clock);

        Assert.Equal((DeliveryResult.Failed, At(NewYork, 12, 8, 8, 1)), (failed.Delivery, failed.ReportedAt));
        Assert.Equal((DeliveryResult.Delivered, At(NewYork, 12, 8, 8, 11)), (delivered.Delivery, delivered.ReportedAt));
        Assert.Equal((DeliveryResult.Delivered, At(NewYork, 12, 8, 8)), (cancelledThenSent.Delivery, cancelledThenSent.CancelledAt));
        Assert.Equal("Message 'visit-1/reminder/120m' is already Rejected; only a pending or failed message takes a new delivery result.",
            Assert.Throws<InvalidOperationException>(() => Outbox.RecordDelivery(Message(delivery: DeliveryResult.Rejected), DeliveryResult.Delivered, clock)).Message);
    }

    [Fact]
    public void Due_AtTheSendTimeNotBefore_OrderedBySendTimeThenId()
    {
        var start = At(NewYork, 12, 8, 10);
        var booked = new[] { Visit(VisitStatus.Booked, start), new Visit("visit-0", "pat-2", "new-patient", start, VisitStatus.Booked, []) };
        var eight = Message() with { SendAt = At(NewYork, 12, 8, 8) };
        var sameTimeOther = eight with { Id = "visit-0/reminder/120m", VisitId = "visit-0" };
        var earlier = Message("visit-1/reminder/2880m") with { SendAt = At(NewYork, 12, 8, 7) };
        var later = Message("visit-1/reminder/60m") with { SendAt = At(NewYork, 12, 8, 9) };

        Assert.Equal([earlier.Id], Outbox.Due([eight, later, earlier, sameTimeOther], booked, [], new FakeClock(At(NewYork, 12, 8, 8) - Duration.FromSeconds(1))).Select(m => m.Id));
        Assert.Equal([earlier.Id, sameTimeOther.Id, eight.Id], Outbox.Due([eight, later, earlier, sameTimeOther], booked, [], new FakeClock(At(NewYork, 12, 8, 8))).Select(m => m.Id));
    }

    [Fact]
    public void Due_VisitMessageWithoutAVisitOrNotificationWithoutATask_NeverGoesOut()
    {
        var clock = new FakeClock(At(NewYork, 12, 9, 12));
        var start = At(NewYork, 12, 8, 10);
        var noVisit = Message() with { VisitId = null };
        var followUpNoVisit = noVisit with { Id = "x/follow-up", Purpose = MessagePurpose.FollowUp };
        var notificationNoTask = noVisit with { Id = "x/message-1", Purpose = MessagePurpose.ResultNotification };
        var unknownTask = notificationNoTask with { TaskId = "res-9/v1/PatientNotification" };

        Assert.Empty(Outbox.Due([noVisit, followUpNoVisit, notificationNoTask, unknownTask],
            [Visit(VisitStatus.Booked, start), Visit(VisitStatus.Fulfilled, start) with { Id = "visit-2" }], [], clock));
    }

    [Fact]
    public void Due_BadArguments_AreRefused()
    {
        Assert.Equal("messages", Assert.Throws<ArgumentNullException>(() => Outbox.Due(null!, [], [], LongBefore)).ParamName);
        Assert.Equal("visits", Assert.Throws<ArgumentNullException>(() => Outbox.Due([], null!, [], LongBefore)).ParamName);
        Assert.Equal("results", Assert.Throws<ArgumentNullException>(() => Outbox.Due([], [], null!, LongBefore)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => Outbox.Due([], [], [], null!)).ParamName);
        Assert.Equal("message", Assert.Throws<ArgumentNullException>(() => Outbox.Cancel(null!, LongBefore)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => Outbox.Cancel(Message(), null!)).ParamName);
        Assert.Equal("message", Assert.Throws<ArgumentNullException>(() => Outbox.RecordDelivery(null!, DeliveryResult.Failed, LongBefore)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => Outbox.RecordDelivery(Message(), DeliveryResult.Failed, null!)).ParamName);
    }

    [Fact]
    public void Plan_TwoRemindersMovedToTheSameInstant_LongerOneFirst()
    {
        // 06:30 and 07:30 are both quiet: both reminders go out at 08:00, the three-hour one listed first.
        var start = At(NewYork, 12, 8, 9, 30);
        var options = new OutboxOptions { RemindersBefore = [Duration.FromHours(2), Duration.FromHours(3)], FollowUpAfter = null };

        var messages = Outbox.Plan("visit-1", "pat-1", start, start, NewYork, options, LongBefore);

        Assert.Equal(["reminder-3h 2026-12-08 08:00", "reminder-2h 2026-12-08 08:00"], messages.Select(m => $"{m.Template} {Local(m, NewYork)}"));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(29)] // the minute before quiet hours began would be the visit's own start
    public void Plan_QuietHoursBeginningInTheSpringGap_NoReminderAtOrAfterTheVisit(int minute)
    {
        // Quiet from 02:30, a time New York skips on 8 March 2026 (02:00 EST becomes 03:00 EDT): the quiet stretch is taken
        // to begin at 03:30 EDT. A visit at 03:20 EDT with a ten-minute reminder (03:10, counted as quiet): quiet hours end
        // at 05:00, after the visit, and the minute before they began is 03:29, after it too, so no reminder is planned.
        var options = new OutboxOptions { RemindersBefore = [Duration.FromMinutes(10)], FollowUpAfter = null, QuietFrom = new LocalTime(2, 30), QuietUntil = new LocalTime(5, 0) };
        var start = At(NewYork, 3, 8, 3, minute);

        Assert.Empty(Outbox.Plan("visit-1", "pat-1", start, start, NewYork, options, LongBefore));
    }

    [Theory]
    [InlineData(23, 0)] // quiet 23:00-01:30, across midnight
    [InlineData(0, 30)] // quiet 00:30-01:30, within the day
    public void Plan_FollowUpAtTheSecondOneThirtyOfTheAutumnChange_IsOutsideQuietHoursAndStays(int fromHour, int fromMinute)
    {
        // 01:30 happens twice on 1 November 2026 in New York; quiet hours end at the first (01:30 EDT, 05:30 UTC).
        // A follow-up due at the second (01:30 EST, 06:30 UTC) is past their end and goes out as planned.
        var options = new OutboxOptions { RemindersBefore = [], FollowUpAfter = Duration.FromHours(1), QuietFrom = new LocalTime(fromHour, fromMinute), QuietUntil = new LocalTime(1, 30) };
        var end = Instant.FromUtc(2026, 11, 1, 5, 30);

        var followUp = Outbox.Plan("visit-1", "pat-1", end, end, NewYork, options, LongBefore).Single();

        Assert.Equal(Instant.FromUtc(2026, 11, 1, 6, 30), followUp.SendAt);
    }
}
