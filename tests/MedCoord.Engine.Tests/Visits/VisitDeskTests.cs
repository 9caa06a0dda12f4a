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
        Assert.Equal(new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.CheckedIn, "desk-2", clock.GetCurrentInstant()), outcome.Visit.History.Single());
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
            Assert.Equal(new StatusChange<VisitStatus>(from, to, "desk-1", Start), moved.History.Single());
        }
        else
        {
            var error = Assert.Throws<TransitionException>(() => VisitDesk.Move(visit, to, "desk-1", clock));
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

        Assert.Contains("it is final", Assert.Throws<TransitionException>(() => VisitDesk.Move(fulfilled, VisitStatus.Cancelled, "desk-2", clock)).Message);
        Assert.Throws<TransitionException>(() => VisitDesk.Move(Booked(), VisitStatus.CheckedIn, "desk-2", clock));
        Assert.Throws<TransitionException>(() => VisitDesk.CheckIn(fulfilled, Both, [], [], "desk-2", clock));
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

    [Theory]
    [InlineData(VisitStatus.Booked, "Arrived, CheckedIn, Cancelled, NoShow")]
    [InlineData(VisitStatus.Arrived, "CheckedIn, Cancelled")]
    [InlineData(VisitStatus.CheckedIn, "Fulfilled")]
    [InlineData(VisitStatus.Fulfilled, "")]
    [InlineData(VisitStatus.Cancelled, "")]
    [InlineData(VisitStatus.NoShow, "")]
    public void AllowedFrom_EachStatus_ListsItsNextStatusesInOrder(VisitStatus from, string expected)
    {
        Assert.Equal(expected, string.Join(", ", VisitDesk.AllowedFrom(from)));
    }

    [Fact]
    public void TransitionException_NamesTheVisitBothStatusesAndWhatIsAllowed()
    {
        var clock = new FakeClock(Start);
        var arrived = Booked() with { Status = VisitStatus.Arrived };

        var refused = Assert.Throws<TransitionException>(() => VisitDesk.Move(arrived, VisitStatus.Fulfilled, "desk-1", clock));
        var final = new TransitionException("visit", "visit-9", VisitStatus.NoShow, VisitStatus.Booked, []);

        Assert.Equal("Visit 'visit-1' cannot go from Arrived to Fulfilled; from Arrived it may go to CheckedIn, Cancelled.", refused.Message);
        Assert.Equal(("visit-1", VisitStatus.Arrived, VisitStatus.Fulfilled), (refused.Id, refused.From, refused.To));
        Assert.Equal("Visit 'visit-9' cannot go from NoShow to Booked; from NoShow it may go to nothing (it is final).", final.Message);
        Assert.Equal(("visit-9", VisitStatus.NoShow, VisitStatus.Booked), (final.Id, final.From, final.To));
    }

    [Fact]
    public void Move_CheckInThroughMove_IsRefusedEvenWhereTheLifecycleAllowsIt()
    {
        var clock = new FakeClock(Start);
        var arrived = Booked() with { Status = VisitStatus.Arrived };

        var refused = Assert.Throws<TransitionException>(() => VisitDesk.Move(arrived, VisitStatus.CheckedIn, "desk-1", clock));

        Assert.Equal((VisitStatus.Arrived, VisitStatus.CheckedIn), (refused.From, refused.To));
    }

    [Fact]
    public void Move_KeepsEarlierHistoryAndAppendsTheNewStep()
    {
        var clock = new FakeClock(Start - Duration.FromMinutes(20));
        var arrived = VisitDesk.Move(Booked(), VisitStatus.Arrived, "desk-1", clock);
        clock.AdvanceMinutes(5);

        var cancelled = VisitDesk.Move(arrived, VisitStatus.Cancelled, "desk-2", clock);

        Assert.Equal(VisitStatus.Cancelled, cancelled.Status);
        Assert.Equal(
            [
                new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.Arrived, "desk-1", Start - Duration.FromMinutes(20)),
                new StatusChange<VisitStatus>(VisitStatus.Arrived, VisitStatus.Cancelled, "desk-2", Start - Duration.FromMinutes(15)),
            ],
            cancelled.History);
        Assert.Equal(Start - Duration.FromMinutes(15), cancelled.StatusSince);
        Assert.Equal(Start, Booked().StatusSince); // no history yet: since its start
    }

    [Fact]
    public void MoveAndCheckIn_MissingArguments_AreRefusedBeforeAnythingElse()
    {
        var clock = new FakeClock(Start);

        Assert.Equal("visit", Assert.Throws<ArgumentNullException>(() => VisitDesk.Move(null!, VisitStatus.Arrived, "desk-1", clock)).ParamName);
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => VisitDesk.Move(Booked(), VisitStatus.Arrived, " ", clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => VisitDesk.Move(Booked(), VisitStatus.Arrived, "desk-1", null!)).ParamName);
        Assert.Equal("visit", Assert.Throws<ArgumentNullException>(() => VisitDesk.CheckIn(null!, Both, [], [], "desk-1", clock)).ParamName);
        Assert.Equal("requirements", Assert.Throws<ArgumentNullException>(() => VisitDesk.CheckIn(Booked(), null!, [], [], "desk-1", clock)).ParamName);
        Assert.Equal("intake", Assert.Throws<ArgumentNullException>(() => VisitDesk.CheckIn(Booked(), Both, null!, [], "desk-1", clock)).ParamName);
        Assert.Equal("consents", Assert.Throws<ArgumentNullException>(() => VisitDesk.CheckIn(Booked(), Both, [], null!, "desk-1", clock)).ParamName);
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => VisitDesk.CheckIn(Booked(), Both, [], [], "", clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => VisitDesk.CheckIn(Booked(), Both, [], [], "desk-1", null!)).ParamName);
        Assert.Equal("visits", Assert.Throws<ArgumentNullException>(() => VisitDesk.Stalled(null!, Duration.Zero, new VisitOptions(), Start)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => VisitDesk.Stalled([], Duration.Zero, null!, Start)).ParamName);
        Assert.Equal("visits", Assert.Throws<ArgumentNullException>(() => VisitDesk.MarkNoShows(null!, Duration.Zero, clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => VisitDesk.MarkNoShows([], Duration.Zero, null!)).ParamName);
        Assert.Equal("grace", Assert.Throws<ArgumentOutOfRangeException>(() => VisitDesk.MarkNoShows([], Duration.FromSeconds(-1), clock)).ParamName);
    }

    [Fact]
    public void CheckIn_FromArrived_RecordsArrivedAsTheStepBefore()
    {
        var clock = new FakeClock(Start);
        var arrived = Booked() with { Status = VisitStatus.Arrived, History = [new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.Arrived, "desk-1", Start - Duration.FromMinutes(5))] };

        var outcome = VisitDesk.CheckIn(arrived, new FormRequirements(false, null), [], [], "desk-2", clock);

        Assert.True(outcome.CheckedIn);
        Assert.Empty(outcome.Refusals);
        Assert.Equal(new StatusChange<VisitStatus>(VisitStatus.Arrived, VisitStatus.CheckedIn, "desk-2", Start), outcome.Visit.History[1]);
        Assert.Equal(2, outcome.Visit.History.Count);
    }

    [Theory]
    [InlineData(VisitStatus.CheckedIn)]
    [InlineData(VisitStatus.Cancelled)]
    [InlineData(VisitStatus.NoShow)]
    public void CheckIn_NotBookedOrArrived_IsRefusedNamingBothStatuses(VisitStatus status)
    {
        var refused = Assert.Throws<TransitionException>(() =>
            VisitDesk.CheckIn(Booked() with { Status = status }, new FormRequirements(false, null), [], [], "desk-1", new FakeClock(Start)));

        Assert.Equal(("visit-1", status, VisitStatus.CheckedIn), (refused.Id, refused.From, refused.To));
    }

    /// <summary>The intake must be this visit's, this patient's, and completed by the time of check-in.</summary>
    [Theory]
    [InlineData("visit-1", "pat-1", 0, true)] // completed at the very instant of check-in
    [InlineData("visit-1", "pat-1", -60, true)]
    [InlineData("visit-1", "pat-1", 1, false)] // completed a second after: not yet
    [InlineData("visit-2", "pat-1", -60, false)]
    [InlineData("visit-1", "pat-2", -60, false)]
    public void CheckIn_Intake_CountsOnlyThisVisitsCompletedResponse(string visitId, string patientId, int secondsFromNow, bool checkedIn)
    {
        var clock = new FakeClock(Start);
        var intake = new IntakeResponse(visitId, patientId, Start + Duration.FromSeconds(secondsFromNow));

        var outcome = VisitDesk.CheckIn(Booked(), new FormRequirements(true, null), [intake], [], "desk-1", clock);

        Assert.Equal(checkedIn, outcome.CheckedIn);
        Assert.Equal(checkedIn ? Array.Empty<string>() : ["the intake questionnaire for this visit is not completed"], outcome.Refusals);
        Assert.Equal(checkedIn ? VisitStatus.CheckedIn : VisitStatus.Booked, outcome.Visit.Status);
        Assert.Equal(checkedIn ? 1 : 0, outcome.Visit.History.Count);
    }

    [Fact]
    public void CheckIn_NoFormsNeeded_ChecksInWithNothingOnFile()
    {
        var outcome = VisitDesk.CheckIn(Booked(), new FormRequirements(false, null), [], [], "desk-1", new FakeClock(Start));

        Assert.Equal((true, VisitStatus.CheckedIn), (outcome.CheckedIn, outcome.Visit.Status));
    }

    /// <summary>Which consent reason is given, and which consent counts: this patient's, this scope, the latest given by now.</summary>
    [Theory]
    [InlineData("given in an hour", "no 'treatment' consent is on file")]
    [InlineData("another patient's", "no 'treatment' consent is on file")]
    [InlineData("expires now", "the 'treatment' consent expired")]
    [InlineData("revoked now", "the 'treatment' consent was revoked")]
    [InlineData("expired, revoked later", "the 'treatment' consent expired")]
    [InlineData("revoked earlier, newer expired", "the 'treatment' consent expired")]
    [InlineData("expired earlier, newer revoked", "the 'treatment' consent was revoked")]
    [InlineData("given now", "")]
    [InlineData("given and expiring now", "the 'treatment' consent expired")]
    [InlineData("expires in a second", "")]
    [InlineData("revoked in a second", "")]
    [InlineData("expired one, active other", "")]
    public void CheckIn_Consents_ReasonFromTheLatestGivenOfThisPatientAndScope(string consents, string reason)
    {
        var now = Start;
        var second = Duration.FromSeconds(1);
        Consent Given(Instant at, Instant? expires = null, Instant? revoked = null, string patient = "pat-1") => new("c-" + at.ToUnixTimeSeconds(), patient, "treatment", at, expires, revoked);
        Consent[] list = consents switch
        {
            "given in an hour" => [Given(now + Duration.FromHours(1))],
            "another patient's" => [Given(now - Duration.FromDays(1), patient: "pat-2")],
            "expires now" => [Given(now - Duration.FromDays(1), expires: now)],
            "revoked now" => [Given(now - Duration.FromDays(1), revoked: now)],
            "expired, revoked later" => [Given(now - Duration.FromDays(1), expires: now - second, revoked: now + Duration.FromHours(1))],
            "revoked earlier, newer expired" => [Given(now - Duration.FromDays(9), revoked: now - Duration.FromDays(8)), Given(now - Duration.FromDays(5), expires: now - Duration.FromDays(1))],
            "expired earlier, newer revoked" => [Given(now - Duration.FromDays(5), revoked: now - Duration.FromDays(1)), Given(now - Duration.FromDays(9), expires: now - Duration.FromDays(8))],
            "given now" => [Given(now)],
            "given and expiring now" => [Given(now, expires: now)],
            "expires in a second" => [Given(now - Duration.FromDays(1), expires: now + second)],
            "revoked in a second" => [Given(now - Duration.FromDays(1), revoked: now + second)],
            "expired one, active other" => [Given(now - Duration.FromDays(9), expires: now - Duration.FromDays(8)), Given(now - Duration.FromDays(20))],
            _ => throw new ArgumentOutOfRangeException(nameof(consents)),
        };

        var outcome = VisitDesk.CheckIn(Booked(), new FormRequirements(false, "treatment"), [], list, "desk-1", new FakeClock(now));

        Assert.Equal(reason == "" ? Array.Empty<string>() : [reason], outcome.Refusals);
        Assert.Equal(reason == "", outcome.CheckedIn);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(59, true)]
    [InlineData(60, false)] // expires at the hour
    [InlineData(90, false)] // revoked at 90 minutes too
    public void ActiveAt_FromGivenUntilTheEarlierOfExpiryAndRevocation(int minutes, bool active)
    {
        var given = Start;
        var consent = new Consent("c-1", "pat-1", "treatment", given, given + Duration.FromMinutes(60), given + Duration.FromMinutes(90));
        var revokedFirst = consent with { ExpiresAt = given + Duration.FromMinutes(90), RevokedAt = given + Duration.FromMinutes(60) };

        Assert.Equal(active, consent.ActiveAt(given + Duration.FromMinutes(minutes)));
        Assert.Equal(active, revokedFirst.ActiveAt(given + Duration.FromMinutes(minutes)));
    }

    [Theory]
    [InlineData(VisitStatus.Booked, true)]
    [InlineData(VisitStatus.Arrived, true)]
    [InlineData(VisitStatus.CheckedIn, true)]
    [InlineData(VisitStatus.Fulfilled, false)]
    [InlineData(VisitStatus.Cancelled, false)]
    [InlineData(VisitStatus.NoShow, false)]
    public void IsOpen_WhileTheVisitMayStillTakePlace(VisitStatus status, bool open)
    {
        Assert.Equal(open, (Booked() with { Status = status }).IsOpen);
    }

    [Fact]
    public void BookedRequestId_IsTheRequestOrElseTheVisitId()
    {
        Assert.Equal("visit-1", Booked().BookedRequestId);
        Assert.Equal("plan-1/consult/1", (Booked("plan-1/consult/1#2") with { RequestId = "plan-1/consult/1" }).BookedRequestId);
    }

    [Fact]
    public void VisitOptions_Validate_NamesEachLimitThatIsNotPositive()
    {
        Assert.Empty(new VisitOptions().Validate());
        Assert.Equal((Duration.FromMinutes(30), Duration.FromHours(12)), (new VisitOptions().CheckInAfterArrival, new VisitOptions().FulfilAfterCheckIn));
        Assert.Equal(["CheckInAfterArrival: must be positive", "FulfilAfterCheckIn: must be positive"],
            new VisitOptions { CheckInAfterArrival = Duration.Zero, FulfilAfterCheckIn = Duration.Zero }.Validate().Select(e => e.ToString()));
        Assert.Equal(["FulfilAfterCheckIn: must be positive"], new VisitOptions { FulfilAfterCheckIn = -Duration.FromHours(1) }.Validate().Select(e => e.ToString()));
        Assert.Equal(["CheckInAfterArrival: must be positive"], new VisitOptions { CheckInAfterArrival = -Duration.FromMinutes(1) }.Validate().Select(e => e.ToString()));
        Assert.Empty(new VisitOptions { CheckInAfterArrival = Duration.FromSeconds(1), FulfilAfterCheckIn = Duration.FromSeconds(1) }.Validate());
    }

    /// <summary>
    /// One visit in each status, the limits 15 minutes of grace, 30 to check in after arriving, 12 hours to be fulfilled:
    /// each open one is listed the instant after its due time (not at it), latest-due last, with what is late.
    /// </summary>
    [Fact]
    public void Stalled_EachOpenStatusPastItsLimit_ExactDueTimesInOrder()
    {
        var grace = Duration.FromMinutes(15);
        var options = new VisitOptions();
        var booked = Booked("v-booked") with { Start = Start };
        var arrived = Booked("v-arrived") with
        {
            Start = Start - Duration.FromHours(1),
            Status = VisitStatus.Arrived,
            History = [new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.Arrived, "desk-1", Start - Duration.FromMinutes(40))],
        };
        var checkedIn = Booked("v-checked-in") with
        {
            Start = Start - Duration.FromHours(12),
            Status = VisitStatus.CheckedIn,
            History =
            [
                new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.Arrived, "desk-1", Start - Duration.FromHours(13)),
                new StatusChange<VisitStatus>(VisitStatus.Arrived, VisitStatus.CheckedIn, "desk-1", Start - Duration.FromHours(12) + Duration.FromMinutes(5)),
            ],
        };
        Visit[] over = [Booked("v-fulfilled") with { Start = Start - Duration.FromDays(2), Status = VisitStatus.Fulfilled },
            Booked("v-cancelled") with { Start = Start - Duration.FromDays(2), Status = VisitStatus.Cancelled },
            Booked("v-no-show") with { Start = Start - Duration.FromDays(2), Status = VisitStatus.NoShow }];
        Visit[] all = [booked, checkedIn, .. over, arrived];

        // Due: arrived at 08:20 + 30 min = 08:50; checked in at 21:05 the day before + 12 h = 09:05; booked 09:00 + 15 min = 09:15.
        var arrivedDue = Start - Duration.FromMinutes(10);
        var checkedInDue = Start + Duration.FromMinutes(5);
        var bookedDue = Start + grace;

        Assert.Empty(VisitDesk.Stalled(all, grace, options, arrivedDue));
        Assert.Equal([new StalledVisit("v-arrived", "pat-1", VisitStatus.Arrived, VisitLateness.ArrivedNotCheckedIn, arrivedDue)],
            VisitDesk.Stalled(all, grace, options, arrivedDue + Duration.FromSeconds(1)));
        Assert.Equal(["v-arrived"], VisitDesk.Stalled(all, grace, options, checkedInDue).Select(s => s.VisitId));
        Assert.Equal(["v-arrived", "v-checked-in"], VisitDesk.Stalled(all, grace, options, bookedDue).Select(s => s.VisitId));
        Assert.Equal(
            [
                new StalledVisit("v-arrived", "pat-1", VisitStatus.Arrived, VisitLateness.ArrivedNotCheckedIn, arrivedDue),
                new StalledVisit("v-checked-in", "pat-1", VisitStatus.CheckedIn, VisitLateness.NotFulfilled, checkedInDue),
                new StalledVisit("v-booked", "pat-1", VisitStatus.Booked, VisitLateness.NotCheckedIn, bookedDue),
            ],
            VisitDesk.Stalled(all, grace, options, Start + Duration.FromDays(30)));
    }

    [Fact]
    public void Stalled_SameDueTime_OrderedByVisitIdOrdinally()
    {
        Visit[] visits = [Booked("visit-b"), Booked("visit-B"), Booked("visit-a")];

        var stalled = VisitDesk.Stalled(visits, Duration.Zero, new VisitOptions(), Start + Duration.FromHours(1));

        Assert.Equal(["visit-B", "visit-a", "visit-b"], stalled.Select(s => s.VisitId));
        Assert.All(stalled, s => Assert.Equal(Start, s.DueAt));
    }

    [Fact]
    public void Stalled_ArrivedWithoutHistory_CountsFromItsStart()
    {
        var arrived = Booked() with { Status = VisitStatus.Arrived };

        var stalled = Assert.Single(VisitDesk.Stalled([arrived], Duration.FromHours(5), new VisitOptions(), Start + Duration.FromHours(1)));

        Assert.Equal(Start + Duration.FromMinutes(30), stalled.DueAt);
    }

    [Fact]
    public void MarkNoShows_KeepsHistoryMarksEveryLateOneAndStampsNow()
    {
        var now = Start + Duration.FromHours(2);
        var earlier = new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.Booked, "scheduler", Start - Duration.FromDays(3));
        Visit[] visits =
        [
            Booked("visit-1") with { History = [earlier] },
            Booked("visit-2") with { Start = Start + Duration.FromMinutes(30) },
            Booked("visit-3") with { Start = Start + Duration.FromHours(2) }, // starts now: not late
            Booked("visit-4") with { Status = VisitStatus.Cancelled },
        ];

        var marked = VisitDesk.MarkNoShows(visits, Duration.Zero, new FakeClock(now));

        Assert.Equal(["visit-1", "visit-2"], marked.Select(v => v.Id));
        Assert.All(marked, v => Assert.Equal(VisitStatus.NoShow, v.Status));
        Assert.Equal([earlier, new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.NoShow, "system", now)], marked[0].History);
        Assert.Equal([new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.NoShow, "system", now)], marked[1].History);
    }

    [Fact]
    public void CheckInOutcome_CheckedInOnlyWithoutRefusals()
    {
        Assert.True(new CheckInOutcome(Booked(), []).CheckedIn);
        Assert.False(new CheckInOutcome(Booked(), ["x"]).CheckedIn);
    }
}
