using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.Visits;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Visits;

public sealed class VisitDeskTests
{
    private static readonly DateTimeZone Sydney = DateTimeZoneProviders.Tzdb["Australia/Sydney"];

    // 09:00 in Sydney on the day daylight saving ends (2026-04-05): the clock went back at 03:00.
    private static readonly Instant Start = Sydney.AtStrictly(new LocalDateTime(2026, 4, 5, 9, 0)).ToInstant();
    private static readonly FormRequirements Both = new(IntakeQuestionnaire: true, ConsentScope: "treatment");

    private static Visit Booked(string id = "visit-1") => new(id, "pat-1", "new-patient", Start, VisitStatus.Booked, []);

    private static Consent Treatment(Instant? expires = null, Instant? revoked = null) =>
        new("consent-1", "pat-1", "treatment", Start - Duration.FromDays(30), expires, revoked);

    [Fact]
    public void CheckIn_FormsComplete_ChecksInAndRecordsWho()
    {
        var clock = new FakeClock(Start - Duration.FromMinutes(10));

        var outcome = VisitDesk.CheckIn(Booked(), Both, [new IntakeResponse("visit-1", "pat-1", Start - Duration.FromDays(1))], [Treatment()], "desk-2", clock);

        Assert.True(outcome.CheckedIn);
        Assert.Equal(VisitStatus.CheckedIn, outcome.Visit.Status);
        Assert.Equal(new VisitTransition(VisitStatus.Booked, VisitStatus.CheckedIn, "desk-2", clock.GetCurrentInstant()), outcome.Visit.History.Single());
    }

    [Fact]
    public void CheckIn_MissingIntakeAndExpiredConsent_IsRefusedWithBothReasons()
    {
        var clock = new FakeClock(Start);

        var outcome = VisitDesk.CheckIn(Booked(), Both, [new IntakeResponse("visit-other", "pat-1", Start)], [Treatment(expires: Start - Duration.FromDays(1))], "desk-2", clock);

        Assert.False(outcome.CheckedIn);
        Assert.Equal(VisitStatus.Booked, outcome.Visit.Status);
        Assert.Equal(2, outcome.Refusals.Count);
        Assert.Contains("intake questionnaire", outcome.Refusals[0]);
        Assert.Equal("the 'treatment' consent expired", outcome.Refusals[1]);
    }

    /// <summary>Every move, allowed or refused (check-in only through <see cref="VisitDesk.CheckIn"/>).</summary>
    [Theory]
    [MemberData(nameof(StatusPairs.Visit), MemberType = typeof(StatusPairs))]
    public void Move_EveryPairOfStatuses_FollowsTheAppointmentLifecycle(VisitStatus from, VisitStatus to)
    {
        var clock = new FakeClock(Start);
        var visit = Booked() with { Status = from };
        var allowed = (from, to) switch
        {
            (VisitStatus.Booked, VisitStatus.Arrived or VisitStatus.Cancelled or VisitStatus.NoShow) => true,
            (VisitStatus.Arrived, VisitStatus.Cancelled) => true,
            (VisitStatus.CheckedIn, VisitStatus.Fulfilled) => true,
            _ => false,
        };

        if (allowed)
        {
            var moved = VisitDesk.Move(visit, to, "desk-1", clock);
            Assert.Equal(new VisitTransition(from, to, "desk-1", Start), moved.History.Single());
        }
        else
        {
            var error = Assert.Throws<VisitTransitionException>(() => VisitDesk.Move(visit, to, "desk-1", clock));
            Assert.Contains($"cannot go from {from} to {to}", error.Message);
        }
    }

    [Theory]
    [InlineData("revoked", "was revoked")]
    [InlineData("none", "no 'treatment' consent is on file")]
    [InlineData("other-scope", "no 'treatment' consent is on file")]
    public void CheckIn_ConsentNotInForce_IsRefusedSayingWhy(string consent, string reason)
    {
        var clock = new FakeClock(Start);
        var consents = consent switch
        {
            "revoked" => [Treatment(revoked: Start - Duration.FromHours(2))],
            "other-scope" => [Treatment() with { Scope = "telehealth" }],
            _ => Array.Empty<Consent>(),
        };

        var outcome = VisitDesk.CheckIn(Booked(), new FormRequirements(false, "treatment"), [], consents, "desk-2", clock);

        Assert.Contains(reason, Assert.Single(outcome.Refusals));
    }

    [Fact]
    public void MarkNoShows_BookedPastTheGraceOnly_OnTheDaylightSavingDay()
    {
        var grace = Duration.FromMinutes(15);
        var arrived = Booked("visit-2") with { Status = VisitStatus.Arrived };
        var later = Booked("visit-3") with { Start = Start + Duration.FromHours(1) };

        var atGrace = VisitDesk.MarkNoShows([Booked(), arrived, later], grace, new FakeClock(Start + grace));
        var pastGrace = VisitDesk.MarkNoShows([Booked(), arrived, later], grace, new FakeClock(Start + grace + Duration.FromMinutes(1)));

        Assert.Empty(atGrace);
        var noShow = Assert.Single(pastGrace);
        Assert.Equal(("visit-1", VisitStatus.NoShow, "system"), (noShow.Id, noShow.Status, noShow.History.Single().Actor));
    }

    [Fact]
    public void Move_RefusedTransitions_NameWhatIsAllowed()
    {
        var clock = new FakeClock(Start);
        var fulfilled = Booked() with { Status = VisitStatus.Fulfilled };

        Assert.Contains("it is final", Assert.Throws<VisitTransitionException>(() => VisitDesk.Move(fulfilled, VisitStatus.Cancelled, "desk-2", clock)).Message);
        Assert.Throws<VisitTransitionException>(() => VisitDesk.Move(Booked(), VisitStatus.CheckedIn, "desk-2", clock));
        Assert.Throws<VisitTransitionException>(() => VisitDesk.CheckIn(fulfilled, Both, [], [], "desk-2", clock));
        Assert.Equal(VisitStatus.Arrived, VisitDesk.Move(Booked(), VisitStatus.Arrived, "desk-2", clock).Status);
    }

    /// <summary>Random desk actions: no visit is ever checked in (or fulfilled) without its forms complete at check-in.</summary>
    [Property(MaxTest = 100)]
    public void RandomDeskActions_NeverCheckInWithoutForms(bool intakeDone, bool consentActive, NonNegativeInt[] actions)
    {
        var clock = new FakeClock(Start - Duration.FromMinutes(30), Duration.FromMinutes(5));
        var intake = intakeDone ? new[] { new IntakeResponse("visit-1", "pat-1", Start - Duration.FromDays(1)) } : [];
        var consents = new[] { Treatment(expires: consentActive ? null : Start - Duration.FromDays(2)) };
        var visit = Booked();
        foreach (var a in actions.Take(10))
        {
            var to = (VisitStatus)(a.Get % 6);
            if (to == VisitStatus.CheckedIn && VisitDesk.AllowedFrom(visit.Status).Contains(to))
            {
                visit = VisitDesk.CheckIn(visit, Both, intake, consents, "desk-1", clock).Visit;
            }
            else if (to != VisitStatus.CheckedIn && VisitDesk.AllowedFrom(visit.Status).Contains(to))
            {
                visit = VisitDesk.Move(visit, to, "desk-1", clock);
            }
        }

        if (visit.History.Any(h => h.To == VisitStatus.CheckedIn))
        {
            Assert.True(intakeDone && consentActive);
        }
    }
}
