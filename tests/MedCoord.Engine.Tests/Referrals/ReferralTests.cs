using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Referrals;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using S = MedCoord.Engine.Referrals.ReferralStatus;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests.Referrals;

public sealed class ReferralTests : IDisposable
{
    /// <summary>The loop as the requirements state it, written out independently of the engine's table.</summary>
    private static readonly HashSet<(S From, S To)> Allowed =
    [
        (S.Draft, S.Sent), (S.Draft, S.Cancelled),
        (S.Sent, S.Accepted), (S.Sent, S.Declined), (S.Sent, S.Cancelled), (S.Sent, S.Expired),
        (S.Accepted, S.Scheduled), (S.Accepted, S.Cancelled), (S.Accepted, S.Expired),
        (S.Declined, S.Closed),
        (S.Scheduled, S.Completed), (S.Scheduled, S.Cancelled), (S.Scheduled, S.Expired),
        (S.Completed, S.ReportReceived), (S.Completed, S.Expired),
        (S.ReportReceived, S.Closed),
    ];

    private static readonly Instant Start = Instant.FromUtc(2026, 10, 30, 14, 0);
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-referrals-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static Referral In(S status) =>
        ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Routine, new FakeClock(Start)) with { Status = status };

    [Theory]
    [MemberData(nameof(StatusPairs.Referral), MemberType = typeof(StatusPairs))]
    public void Move_EveryPairOfStatuses_IsAllowedExactlyWhenTheLoopSaysSo(S from, S to)
    {
        var clock = new FakeClock(Start + Duration.FromHours(3));

        if (Allowed.Contains((from, to)))
        {
            var moved = ReferralLifecycle.Move(In(from), to, "coordinator-2", "phoned the clinic", clock);
            Assert.Equal(to, moved.Status);
            Assert.Equal(new StatusChange<S>(from, to, "coordinator-2", clock.GetCurrentInstant(), "phoned the clinic"), moved.History.Single());
        }
        else
        {
            var refused = Assert.Throws<TransitionException>(() => ReferralLifecycle.Move(In(from), to, "coordinator-2", "phoned the clinic", clock));
            Assert.Equal((from, to), (refused.From, refused.To));
            Assert.Equal(Allowed.Where(a => a.From == from).Select(a => a.To).Order(), refused.Allowed.Cast<S>().Order());
            Assert.Contains($"cannot go from {from} to {to}", refused.Message);
        }
    }

    [Fact]
    public void Overdue_EachLimitOfItsPriority_PutsTheReferralOnTheWorklist()
    {
        var options = new ReferralOptions();
        var clock = new FakeClock(Start);
        var sent = ReferralLifecycle.Move(In(S.Draft), S.Sent, "dr-a", "sent", clock);
        var urgent = sent with { Id = "ref-2", Priority = ReferralPriority.Urgent };
        var accepted = ReferralLifecycle.Move(sent with { Id = "ref-3" }, S.Accepted, "clinic", "accepted", clock);
        var closed = sent with { Id = "ref-4", Status = S.Closed };

        var atEightDays = ReferralWorklist.Overdue([sent, urgent, accepted, closed], options, Start + Duration.FromDays(8));
        var atThirtyOneDays = ReferralWorklist.Overdue([accepted, closed], options, Start + Duration.FromDays(31));

        Assert.Equal([("ref-2", ReferralLateness.NotAccepted, Start + Duration.FromDays(2)), ("ref-1", ReferralLateness.NotAccepted, Start + Duration.FromDays(7))],
            atEightDays.Select(o => (o.ReferralId, o.Lateness, o.DueAt)));
        Assert.Equal(("ref-3", ReferralLateness.NotScheduled), atThirtyOneDays.Select(o => (o.ReferralId, o.Lateness)).Single());
        Assert.Equal(Start + Duration.FromDays(60), ReferralWorklist.DueBy(sent, options));
        Assert.Empty(new ReferralOptions().Validate());
        var bad = new ReferralOptions { Limits = new() { [ReferralPriority.Stat] = new(Duration.FromDays(2), Duration.FromDays(1), Duration.Zero) } };
        Assert.Equal(4, bad.Validate().Count);
    }

    /// <summary>Random coordinator actions through the engine, stored in SQLite as they go: the stored state matches, closed referrals are never overdue, the audit chain verifies.</summary>
    [Property(MaxTest = 25)]
    public async Task Move_RandomActionSequencesThroughTheEngine_KeepTheInvariants(NonNegativeInt[] steps)
    {
        var clock = new FakeClock(Start, Duration.FromHours(9));
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.db");
        using var services = new ServiceCollection().AddSingleton<IClock>(clock).AddMedCoordEngine(o => o.DatabasePath = path).BuildServiceProvider();
        var engine = services.GetRequiredService<CoordinationEngine>();
        var statuses = Enum.GetValues<S>();
        var referrals = new Dictionary<string, Referral>();
        for (var i = 0; i < 3; i++)
        {
            var draft = ReferralLifecycle.Draft($"ref-{i}", $"pat-{i}", "dr-a", "dermatology", (ReferralPriority)(i % 4), clock);
            await engine.Referrals.CreateAsync(draft, "dr-a");
            referrals[draft.Id] = draft;
        }

        foreach (var step in steps.Take(30))
        {
            var referral = referrals[$"ref-{step.Get % 3}"];
            var to = statuses[(step.Get / 3) % statuses.Length];
            if (ReferralLifecycle.AllowedFrom(referral.Status).Contains(to))
            {
                referrals[referral.Id] = await engine.Referrals.MoveAsync(referral.Id, to, "coordinator-1", "step");
            }
            else
            {
                await Assert.ThrowsAsync<TransitionException>(() => engine.Referrals.MoveAsync(referral.Id, to, "coordinator-1", "step"));
            }
        }

        Assert.Equal(referrals.Values.OrderBy(r => r.Id), engine.Store.List<Referral>().Select(r => r.Value));
        var overdue = ReferralWorklist.Overdue(engine.Store.List<Referral>().Select(r => r.Value), new ReferralOptions(), clock.GetCurrentInstant() + Duration.FromDays(400));
        Assert.Equal(referrals.Values.Where(r => ReferralLifecycle.AllowedFrom(r.Status).Count > 0).Select(r => r.Id).Order(), overdue.Select(o => o.ReferralId).Order());
        Assert.All(overdue.Where(o => referrals[o.ReferralId].Status == S.Draft), o => Assert.Equal(ReferralLateness.NotSent, o.Lateness));
        Assert.True(engine.Store.VerifyAudit().Intact);
        Assert.Equal(3 + referrals.Values.Sum(r => r.History.Count), engine.Store.AuditTrail().Count);
    }

    [Fact]
    public void TransitionException_NamesTheReferralBothStatusesAndWhatIsAllowed()
    {
        var clock = new FakeClock(Start);

        var refused = Assert.Throws<TransitionException>(() => ReferralLifecycle.Move(In(S.Accepted), S.Closed, "coordinator-1", "done", clock));
        var final = Assert.Throws<TransitionException>(() => ReferralLifecycle.Move(In(S.Expired), S.Sent, "coordinator-1", "again", clock));

        Assert.Equal("Referral 'ref-1' cannot go from Accepted to Closed; from Accepted it may go to Scheduled, Cancelled, Expired.", refused.Message);
        Assert.Equal("ref-1", refused.Id);
        Assert.Equal([S.Scheduled, S.Cancelled, S.Expired], refused.Allowed.Cast<S>());
        Assert.Equal("Referral 'ref-1' cannot go from Expired to Sent; from Expired it may go to nothing (it is final).", final.Message);
        Assert.Empty(final.Allowed);
    }

    [Fact]
    public void Move_SentAtIsSetBySendingAndKeptAfterwards_HistoryGrows()
    {
        var clock = new FakeClock(Start);
        var draft = In(S.Draft);
        clock.AdvanceHours(2);
        var sent = ReferralLifecycle.Move(draft, S.Sent, "dr-a", "faxed", clock);
        clock.AdvanceDays(1);

        var accepted = ReferralLifecycle.Move(sent, S.Accepted, "clinic", "accepted", clock);
        var cancelled = ReferralLifecycle.Move(draft, S.Cancelled, "dr-a", "not needed", clock);

        Assert.Null(draft.SentAt);
        Assert.Equal(Start + Duration.FromHours(2), sent.SentAt);
        Assert.Equal(Start + Duration.FromHours(2), accepted.SentAt);
        Assert.Null(cancelled.SentAt);
        Assert.Equal(
            [
                new StatusChange<S>(S.Draft, S.Sent, "dr-a", Start + Duration.FromHours(2), "faxed"),
                new StatusChange<S>(S.Sent, S.Accepted, "clinic", Start + Duration.FromHours(26), "accepted"),
            ],
            accepted.History);
    }

    [Fact]
    public void DraftAndMove_BadArguments_AreRefusedNamingTheArgument()
    {
        var clock = new FakeClock(Start);

        var draft = ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Stat, clock);

        Assert.Equal(new Referral("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Stat, Start, S.Draft, null, []), draft);
        Assert.Equal("id", Assert.Throws<ArgumentException>(() => ReferralLifecycle.Draft(" ", "pat-1", "dr-a", "cardiology", ReferralPriority.Stat, clock)).ParamName);
        Assert.Equal("patientId", Assert.Throws<ArgumentException>(() => ReferralLifecycle.Draft("ref-1", "", "dr-a", "cardiology", ReferralPriority.Stat, clock)).ParamName);
        Assert.Equal("fromProviderId", Assert.Throws<ArgumentException>(() => ReferralLifecycle.Draft("ref-1", "pat-1", " ", "cardiology", ReferralPriority.Stat, clock)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "", ReferralPriority.Stat, clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Stat, null!)).ParamName);
        Assert.Equal("referral", Assert.Throws<ArgumentNullException>(() => ReferralLifecycle.Move(null!, S.Sent, "dr-a", "faxed", clock)).ParamName);
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => ReferralLifecycle.Move(draft, S.Sent, " ", "faxed", clock)).ParamName);
        Assert.Equal("reason", Assert.Throws<ArgumentException>(() => ReferralLifecycle.Move(draft, S.Sent, "dr-a", "", clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => ReferralLifecycle.Move(draft, S.Sent, "dr-a", "faxed", null!)).ParamName);
    }

    [Fact]
    public void Draft_WithADirectory_RefusalNamesTheReferralAndTheProblem()
    {
        var directory = new FacilityDirectory([new DirectoryFacility("lakeside", "Lakeside", ["cardiology"], "+1 555 0100", null, true)]);

        var refused = Assert.Throws<ValidationException>(() => ReferralLifecycle.Draft("ref-7", "pat-1", "dr-a", "facility:nowhere", ReferralPriority.Routine, new FakeClock(Start), directory));

        Assert.Equal("The referral 'ref-7' is invalid: target: no facility 'nowhere' in the directory", refused.Message);
        Assert.Equal(("target", new ValidationError("target", "no facility 'nowhere' in the directory")), (refused.ParamName, Assert.Single(refused.Errors)));
    }

    [Fact]
    public void Equals_ComparesEveryFieldAndTheHistoryEntryByEntry()
    {
        var clock = new FakeClock(Start);
        var sent = ReferralLifecycle.Move(In(S.Draft), S.Sent, "dr-a", "faxed", clock);
        var copy = sent with { History = [.. sent.History] };

        Assert.True(sent.Equals(copy));
        Assert.Equal(sent.GetHashCode(), copy.GetHashCode());
        Assert.False(sent.Equals(null));
        Assert.False(sent.Equals(sent with { Id = "ref-2" }));
        Assert.False(sent.Equals(sent with { PatientId = "pat-2" }));
        Assert.False(sent.Equals(sent with { FromProviderId = "dr-b" }));
        Assert.False(sent.Equals(sent with { Target = "dermatology" }));
        Assert.False(sent.Equals(sent with { Priority = ReferralPriority.Urgent }));
        Assert.False(sent.Equals(sent with { CreatedAt = Start + Duration.FromSeconds(1) }));
        Assert.False(sent.Equals(sent with { Status = S.Accepted }));
        Assert.False(sent.Equals(sent with { SentAt = null }));
        Assert.False(sent.Equals(sent with { History = [sent.History[0] with { Reason = "mailed" }] }));
    }

    [Fact]
    public void DueBy_SentPlusTheReportLimitOfItsPriority_NullUntilSent()
    {
        var options = new ReferralOptions();
        var sent = ReferralLifecycle.Move(In(S.Draft), S.Sent, "dr-a", "faxed", new FakeClock(Start));

        Assert.Null(ReferralWorklist.DueBy(In(S.Draft), options));
        Assert.Equal(Start + Duration.FromDays(2), ReferralWorklist.DueBy(sent with { Priority = ReferralPriority.Stat }, options));
        Assert.Equal(Start + Duration.FromDays(7), ReferralWorklist.DueBy(sent with { Priority = ReferralPriority.Asap }, options));
        Assert.Equal("referral", Assert.Throws<ArgumentNullException>(() => ReferralWorklist.DueBy(null!, options)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => ReferralWorklist.DueBy(sent, null!)).ParamName);
    }

    /// <summary>
    /// One referral in each waiting status, urgent (2/7/14 days), sent at <see cref="Start"/>, its last move a day later:
    /// each due at its own limit, listed only after it, most overdue first.
    /// </summary>
    [Fact]
    public void Overdue_EachWaitingStatus_ExactDueTimeAndLateness()
    {
        var options = new ReferralOptions();
        var dayLater = Start + Duration.FromDays(1);
        Referral At(string id, S status) => In(status) with
        {
            Id = id,
            Priority = ReferralPriority.Urgent,
            SentAt = status == S.Draft ? null : Start,
            History = status == S.Draft ? [] : [new StatusChange<S>(S.Sent, status, "clinic", dayLater, "moved")],
        };
        Referral[] referrals = [At("r-draft", S.Draft), At("r-sent", S.Sent), At("r-accepted", S.Accepted), At("r-declined", S.Declined), At("r-scheduled", S.Scheduled),
            At("r-completed", S.Completed), At("r-report", S.ReportReceived), At("r-closed", S.Closed), At("r-cancelled", S.Cancelled), At("r-expired", S.Expired)];

        var all = ReferralWorklist.Overdue(referrals, options, Start + Duration.FromDays(100));

        Assert.Equal(
            [
                new OverdueReferral("r-draft", ReferralLateness.NotSent, Start + Duration.FromDays(1)),
                new OverdueReferral("r-sent", ReferralLateness.NotAccepted, Start + Duration.FromDays(2)),
                new OverdueReferral("r-declined", ReferralLateness.NotClosed, dayLater + Duration.FromDays(3)),
                new OverdueReferral("r-report", ReferralLateness.NotClosed, dayLater + Duration.FromDays(3)),
                new OverdueReferral("r-accepted", ReferralLateness.NotScheduled, Start + Duration.FromDays(7)),
                new OverdueReferral("r-completed", ReferralLateness.NoReport, Start + Duration.FromDays(14)),
                new OverdueReferral("r-scheduled", ReferralLateness.NoReport, Start + Duration.FromDays(14)),
            ],
            all);
        Assert.Equal(["r-draft"], ReferralWorklist.Overdue(referrals, options, Start + Duration.FromDays(2)).Select(o => o.ReferralId));
        Assert.Equal(["r-draft", "r-sent"], ReferralWorklist.Overdue(referrals, options, Start + Duration.FromDays(4)).Select(o => o.ReferralId));
        Assert.Equal("referrals", Assert.Throws<ArgumentNullException>(() => ReferralWorklist.Overdue(null!, options, Start)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => ReferralWorklist.Overdue(referrals, null!, Start)).ParamName);
    }

    [Fact]
    public void Overdue_NoSentTimeOrNoHistory_CountsFromWhenItWasWritten()
    {
        var options = new ReferralOptions();
        var unsentButAccepted = In(S.Accepted) with { Priority = ReferralPriority.Stat }; // no SentAt: counts from creation
        var declinedWithoutHistory = In(S.Declined) with { Id = "ref-2" };

        var overdue = ReferralWorklist.Overdue([unsentButAccepted, declinedWithoutHistory], options, Start + Duration.FromDays(10));

        Assert.Equal(
            [new OverdueReferral("ref-1", ReferralLateness.NotScheduled, Start + Duration.FromDays(1)), new OverdueReferral("ref-2", ReferralLateness.NotClosed, Start + Duration.FromDays(3))],
            overdue);
    }

    [Fact]
    public void Options_Validate_NamesEachProblem()
    {
        static Duration Days(int n) => Duration.FromDays(n);
        Assert.Equal((Days(1), Days(3)), (new ReferralOptions().SendWithin, new ReferralOptions().CloseWithin));
        Assert.Equal(["SendWithin and CloseWithin: must be positive"], new ReferralOptions { SendWithin = Duration.Zero }.Validate().Select(e => e.ToString()));
        Assert.Equal(["SendWithin and CloseWithin: must be positive"], new ReferralOptions { CloseWithin = Duration.Zero }.Validate().Select(e => e.ToString()));
        Assert.Equal(["Limits[Routine]: missing", "Limits[Urgent]: missing", "Limits[Asap]: missing", "Limits[Stat]: missing"], new ReferralOptions { Limits = null! }.Validate().Select(e => e.ToString()));
        Assert.Empty(new ReferralOptions { Limits = { [ReferralPriority.Asap] = new(Days(3), Days(3), Days(3)) } }.Validate());
        Assert.Equal(["Limits[Asap]: missing"], new ReferralOptions { Limits = { [ReferralPriority.Asap] = null! } }.Validate().Select(e => e.ToString()));
        Assert.Equal(["Limits[Urgent]: every limit must be positive"], new ReferralOptions { Limits = { [ReferralPriority.Urgent] = new(Days(1), Duration.Zero, Days(3)) } }.Validate().Select(e => e.ToString()));
        Assert.Equal(["Limits[Urgent]: every limit must be positive"], new ReferralOptions { Limits = { [ReferralPriority.Urgent] = new(Days(1), Days(2), -Days(3)) } }.Validate().Select(e => e.ToString()));
        Assert.Equal(["Limits[Urgent]: every limit must be positive"], new ReferralOptions { Limits = { [ReferralPriority.Urgent] = new(Duration.Zero, Days(2), Days(3)) } }.Validate().Select(e => e.ToString()));
        Assert.Equal([$"Limits[Routine]: accept ({Days(2)}) ≤ schedule ({Days(1)}) ≤ report ({Days(3)}) must hold"],
            new ReferralOptions { Limits = { [ReferralPriority.Routine] = new(Days(2), Days(1), Days(3)) } }.Validate().Select(e => e.ToString()));
        Assert.Equal([$"Limits[Routine]: accept ({Days(1)}) ≤ schedule ({Days(3)}) ≤ report ({Days(2)}) must hold"],
            new ReferralOptions { Limits = { [ReferralPriority.Routine] = new(Days(1), Days(3), Days(2)) } }.Validate().Select(e => e.ToString()));
    }
}
