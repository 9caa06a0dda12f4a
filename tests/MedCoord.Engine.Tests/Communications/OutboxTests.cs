using MedCoord.Engine.Communications;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;
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
        var refused = Assert.Throws<ArgumentException>(() => Outbox.Plan("v", "p", start, start, NewYork, bad, now));
        Assert.Contains("RemindersBefore", refused.Message);
        Assert.Contains("QuietFrom and QuietUntil", refused.Message);
    }
}
