using FsCheck;
using FsCheck.Xunit;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The capacity relaxation must never cut off a real schedule, and must be tighter than counting requests.</summary>
public sealed class CapacityBoundTests
{
    private static long? Bound(Problem problem, int maximumVariables = CapacityBound.MaximumVariables, double seconds = 10)
    {
        var calendar = new Calendar(problem);
        return CapacityBound.Compute(calendar, RequestCandidates.Build(calendar), TimeSpan.FromSeconds(seconds), maximumVariables);
    }

    /// <summary>One facility open 09:00–10:00 on a Monday, with the rooms, providers, types and requests given.</summary>
    private static Problem Hour(IEnumerable<Room> rooms, IEnumerable<Provider> providers, IEnumerable<AppointmentType> types, params (string Type, int Priority)[] requests) =>
        Problem("2026-03-02", "2026-03-02",
            [Facility("clinic", "America/New_York", Week("09:00", "10:00"))],
            rooms, providers,
            [.. requests.Select((_, i) => Patient($"p{i}"))],
            types,
            [.. requests.Select((r, i) => Request($"r{i}", $"p{i}", r.Type, priority: r.Priority))]);

    [Fact]
    public void Compute_OneProviderHour_CountsOnlyWhatFitsInIt()
    {
        var problem = Problem("2026-03-02", "2026-03-02",
            [Facility("clinic", "America/New_York", Week("09:00", "17:00"))],
            [],
            [Provider("dr", "gp", "clinic", Week("09:00", "10:00"))],
            [Patient("a"), Patient("b"), Patient("c")],
            [Type("visit", 30, "gp")],
            [Request("r1", "a", "visit", priority: 1), Request("r2", "b", "visit", priority: 2), Request("r3", "c", "visit", priority: 3)]);

        Assert.Equal(5, Bound(problem));
    }

    [Fact]
    public void Compute_AppointmentsCannotSpanTheLunchBreak()
    {
        // Together the two stretches hold 90 minutes, but neither holds the 60-minute visit on its own.
        var problem = Problem("2026-03-02", "2026-03-02",
            [Facility("clinic", "Europe/London")],
            [],
            [Provider("dr", "gp", "clinic", Week("09:00", "09:45"), Week("10:00", "10:45"))],
            [Patient("a"), Patient("b")],
            [Type("long", 60, "gp"), Type("short", 40, "gp")],
            [Request("r1", "a", "long", priority: 5), Request("r2", "b", "short", priority: 1)]);

        Assert.Equal(1, Bound(problem));
    }

    [Fact]
    public void Compute_RequestsAskingForDifferentDaysDoNotShareCapacity()
    {
        // Three visits want Monday's one hour (two fit), one wants Tuesday's: 5 + 5 + 1, not the three fives and the one.
        var problem = Problem("2026-03-02", "2026-03-03",
            [Facility("clinic", "America/Chicago")],
            [],
            [Provider("dr", "gp", "clinic", Week("09:00", "10:00"))],
            [Patient("a"), Patient("b"), Patient("c"), Patient("d")],
            [Type("visit", 30, "gp")],
            [
                Request("mon1", "a", "visit", "2026-03-02", "2026-03-02", priority: 5),
                Request("mon2", "b", "visit", "2026-03-02", "2026-03-02", priority: 5),
                Request("mon3", "c", "visit", "2026-03-02", "2026-03-02", priority: 5),
                Request("tue", "d", "visit", "2026-03-03", "2026-03-03", priority: 1),
            ]);

        Assert.Equal(11, Bound(problem));
    }

    [Property(MaxTest = 20)]
    public void Compute_NeverBelowAProvenOptimum(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 5 + (size.Get % 25));

        var schedule = SolveVerified(problem, Quick(10));

        if (Bound(problem) is { } bound)
        {
            Assert.True(bound >= schedule.Objective.ScheduledPriority, $"bound {bound} < booked {schedule.Objective.ScheduledPriority}");
        }
    }

    [Fact]
    public void Compute_ARoomIsHeldThroughItsTurnover_ButTheLastTurnoverMayRunPastClosing()
    {
        // 30-minute visits with 10 minutes of turnover: one fits in an hour (the second would end at 10:10), two in 70 minutes.
        AppointmentType[] visit = [Type("visit", 30, null, ["exam"], buffer: 10)];

        Assert.Equal(1, Bound(Hour([Room("exam", "clinic", "exam")], [], visit, ("visit", 1), ("visit", 1), ("visit", 1))));
        var longer = Hour([Room("exam", "clinic", "exam")], [], visit, ("visit", 1), ("visit", 1), ("visit", 1)) with
        {
            Facilities = [Facility("clinic", "America/New_York", Week("09:00", "10:10"))],
        };
        Assert.Equal(2, Bound(longer));
        Assert.Equal(2, SolveVerified(longer, Quick(5)).Objective.ScheduledPriority);
    }

    [Fact]
    public void Compute_TheLongestTurnover_MayRunPastClosing_WhateverTheTypeBookedLast()
    {
        // A short visit without turnover, then the long-turnover one at 09:30: 11, which the relaxation must allow.
        var problem = Hour([Room("exam", "clinic", "exam")], [], [Type("clean", 30, null, ["exam"], buffer: 30), Type("quick", 30, null, ["exam"])],
            ("clean", 10), ("quick", 1), ("quick", 1));

        Assert.Equal(11, Bound(problem));
        Assert.Equal(11, SolveVerified(problem, Quick(5)).Objective.ScheduledPriority);
    }

    [Fact]
    public void Compute_AProvidersTimeHoldsNoTurnover_AndBindsWhenTheRoomsDoNot()
    {
        // Two rooms hold 3.5 visits with turnover; the provider's hour holds two 30-minute visits.
        var problem = Hour([Room("exam-1", "clinic", "exam"), Room("exam-2", "clinic", "exam")], [Provider("dr", "gp", "clinic", Week("09:00", "10:00"))],
            [Type("visit", 30, "gp", ["exam"], buffer: 10)], ("visit", 10), ("visit", 10), ("visit", 10), ("visit", 10));

        Assert.Equal(20, Bound(problem));
    }

    [Fact]
    public void Compute_ASharedRoom_HoldsAsManyAtOnceAsItsPlaces()
    {
        var problem = Hour([new Room("chairs", "clinic", ["infusion"], [], 2)], [], [Type("infusion", 60, null, ["infusion"])], ("infusion", 1), ("infusion", 1), ("infusion", 1));

        Assert.Equal(2, Bound(problem));
    }

    [Fact]
    public void Compute_AProviderAndARoomOfTheSameName_AreTwoResources()
    {
        var problem = Hour([Room("a", "clinic", "exam")], [Provider("a", "gp", "clinic", Week("09:00", "10:00"))], [Type("visit", 30, "gp", ["exam"])], ("visit", 1), ("visit", 1), ("visit", 1));

        Assert.Equal(2, Bound(problem));
    }

    [Fact]
    public void Compute_EachProviderAndRoom_HasItsOwnStretches()
    {
        var problem = Hour([Room("exam-1", "clinic", "exam"), Room("exam-2", "clinic", "exam")],
            [Provider("dr-1", "gp", "clinic", Week("09:00", "10:00")), Provider("dr-2", "gp", "clinic", Week("09:00", "10:00"))],
            [Type("visit", 30, "gp", ["exam"])], ("visit", 1), ("visit", 1), ("visit", 1), ("visit", 1), ("visit", 1));

        Assert.Equal(4, Bound(problem));
    }

    [Fact]
    public void Compute_RequestsOfDifferentLengths_AreNotOneColumn()
    {
        var problem = Hour([], [Provider("dr", "gp", "clinic", Week("09:00", "10:00"))], [Type("long", 60, "gp"), Type("short", 30, "gp")], ("long", 1), ("short", 1), ("short", 1));

        Assert.Equal(2, Bound(problem));
    }

    [Fact]
    public void Compute_AStretchExactlyAsLongAsTheVisit_HoldsIt()
    {
        var problem = Hour([], [Provider("dr", "gp", "clinic", Week("09:00", "09:30"))], [Type("visit", 30, "gp")], ("visit", 3), ("visit", 2));

        Assert.Equal(3, Bound(problem));
    }

    [Fact]
    public void Compute_AStretchWhoseOnlyStartIsItsLast_HoldsTheVisit()
    {
        // The patient can start only at 09:30, the last start of the provider's hour for a 30-minute visit.
        var problem = Hour([], [Provider("dr", "gp", "clinic", Week("09:00", "10:00"))], [Type("visit", 30, "gp")], ("visit", 4)) with
        {
            Patients = [new Patient("p0", Zone("America/New_York"), [Week("09:30", "10:00")], [])],
        };

        Assert.Equal(4, Bound(problem));
    }

    [Fact]
    public void Compute_NoTimeOrARelaxationLargerThanAllowed_GivesNoBound_NothingBookableGivesZero()
    {
        var problem = Hour([Room("exam", "clinic", "exam")], [Provider("dr", "gp", "clinic", Week("09:00", "10:00"))], [Type("visit", 30, "gp", ["exam"])], ("visit", 1), ("visit", 1));

        // One column of two stretch shares: the provider's hour and the room's.
        Assert.Equal(2, Bound(problem, maximumVariables: 2));
        Assert.Null(Bound(problem, maximumVariables: 1));
        Assert.Null(Bound(problem, seconds: 0));
        Assert.Equal(0, Bound(problem with { Requests = [.. problem.Requests.Select(r => r with { Earliest = Date("2026-03-09"), Latest = Date("2026-03-09") })] }, seconds: 0));
    }
    [Theory]
    [InlineData(0.0001, 1)]
    [InlineData(0.5, 1)]
    [InlineData(1, 1)]
    [InlineData(1.2, 2)]
    [InlineData(10_000, 10_000)]
    public void Milliseconds_RoundUp_SoAPositiveLimitIsNeverReadAsNone(double milliseconds, long expected)
    {
        Assert.Equal(expected, CapacityBound.Milliseconds(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void Compute_ARelaxationNotSolvedInItsTime_GivesNoBound()
    {
        // Sixty days of distinct windows: thousands of stretch shares, far more than a millisecond of work.
        var days = 60;
        var problem = Problem("2026-03-02", "2026-04-30",
            [Facility("clinic", "Asia/Kolkata")],
            [Room("exam-1", "clinic", "exam"), Room("exam-2", "clinic", "exam")],
            [Provider("dr-1", "gp", "clinic", Week("08:00", "12:00"), Week("13:00", "17:00")), Provider("dr-2", "gp", "clinic", Week("09:00", "13:00"), Week("14:00", "18:00"))],
            [.. Enumerable.Range(0, 600).Select(i => Patient($"p{i}"))],
            [Type("visit", 20, "gp", ["exam"], buffer: 5), Type("long", 45, "gp", ["exam"])],
            [.. Enumerable.Range(0, 600).Select(i => Request($"r{i}", $"p{i}", i % 2 == 0 ? "visit" : "long",
                Date("2026-03-02").PlusDays(i % days).ToString("yyyy-MM-dd", null), Date("2026-03-02").PlusDays(Math.Min(days - 1, (i % days) + (i % 7))).ToString("yyyy-MM-dd", null), 1 + (i % 9)))]);

        Assert.NotNull(Bound(problem));
        Assert.Null(Bound(problem, seconds: 0.0000001));
    }

    [Fact]
    public void Compute_AProviderAtTwoFacilities_HasStretchesAtEach_EvenStartingAtTheSameMinute()
    {
        // The provider works 09:00–12:00 at north and 09:00–10:00 at south (the visits choose where); the south request
        // comes first. Three north visits fit; a single stretch for both places would hold one hour, so one visit.
        var problem = Problem("2026-03-02", "2026-03-02",
            [Facility("north", "Pacific/Chatham"), Facility("south", "Pacific/Chatham")],
            [Room("n-exam", "north", "north-room"), Room("s-exam", "south", "south-room")],
            [new Provider("dr", ["gp"], [new ProviderAvailability("north", Week("09:00", "12:00")), new ProviderAvailability("south", Week("09:00", "10:00"))], [])],
            [Patient("a"), Patient("b"), Patient("c"), Patient("d")],
            [Type("south", 60, "gp", ["south-room"]), Type("north", 60, "gp", ["north-room"])],
            [Request("s", "a", "south"), Request("n1", "b", "north"), Request("n2", "c", "north"), Request("n3", "d", "north")]);

        Assert.Equal(3, SolveVerified(problem, Quick(5)).Objective.ScheduledPriority);
        Assert.Equal(4, Bound(problem));
    }

    [Fact]
    public void Compute_ProvidersAndFacilitiesWhoseIdsJoinAlike_AreStillTwoResources()
    {
        // Provider "a@b" at facility "c" and provider "a" at facility "b@c": both start at 09:00. The request at "b@c" comes
        // first; were the two one resource, its hour would hold the three visits at "c" as well.
        var problem = Problem("2026-03-02", "2026-03-02",
            [Facility("c", "Asia/Kathmandu"), Facility("b@c", "Asia/Kathmandu")],
            [Room("c-room", "c", "c-kind"), Room("bc-room", "b@c", "bc-kind")],
            [Provider("a@b", "gp", "c", Week("09:00", "12:00")), Provider("a", "gp", "b@c", Week("09:00", "10:00"))],
            [Patient("p0"), Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("there", 60, "gp", ["bc-kind"]), Type("here", 60, "gp", ["c-kind"])],
            [Request("r0", "p0", "there"), Request("r1", "p1", "here"), Request("r2", "p2", "here"), Request("r3", "p3", "here")]);

        Assert.Equal(4, SolveVerified(problem, Quick(5)).Objective.ScheduledPriority);
        Assert.Equal(4, Bound(problem));
    }

    [Fact]
    public void Column_EqualsByValue_AndEveryPartTells()
    {
        CapacityBound.Use[] uses = [new(new(false, "dr", "clinic"), 540, 600, 1), new(new(true, "exam", null), 540, 600, 2)];
        var column = new CapacityBound.Column(30, 10, true, true, uses);
        CapacityBound.Column[] others =
        [
            column with { Duration = 20 },
            column with { Buffer = 5 },
            column with { BooksProvider = false },
            column with { BooksRoom = false },
            column with { Uses = [uses[0]] },
            column with { Uses = [uses[0], uses[1] with { Places = 1 }] },
            column with { Uses = [uses[0] with { Resource = new(false, "dr", "annex") }, uses[1]] },
        ];

        var same = column with { Uses = [.. uses] };
        Assert.True(column.Equals(same));
        Assert.Equal(column.GetHashCode(), same.GetHashCode());
        Assert.False(column.Equals(null));
        foreach (var other in others)
        {
            Assert.False(column.Equals(other));
            Assert.NotEqual(column.GetHashCode(), other.GetHashCode());
        }
    }
}
