using FsCheck;
using FsCheck.Xunit;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Operations;

public sealed class ReplanTests
{
    private const string Chicago = "America/Chicago";

    /// <summary>Two providers with room to spare over a week that holds the 2026-11-01 fall-back change.</summary>
    private static Problem Week1(IEnumerable<AppointmentRequest>? extra = null)
    {
        var requests = Enumerable.Range(1, 24)
            .Select(i => Request($"r{i:00}", $"p{i % 8}", i % 3 == 0 ? "long" : "visit", "2026-10-30", "2026-11-04", priority: 1 + (i % 4)))
            .Concat(extra ?? []);
        return Problem("2026-10-30", "2026-11-04",
            [Facility("main", Chicago, Week("08:00", "18:00"))],
            [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("08:00", "16:00")), Provider("dr-b", "gp", "main", Week("09:00", "17:00"))],
            [.. Enumerable.Range(0, 9).Select(i => Patient($"p{i}"))],
            [Type("visit", 30, "gp", ["exam"]), Type("long", 60, "gp", ["exam"], buffer: 10)],
            requests);
    }

    private static AppointmentScheduler Scheduler => new();

    [Fact]
    public void Replan_ProviderDayOff_MovesExactlyTheAppointmentsTheVerifierFlags()
    {
        var before = Week1();
        var previous = SolveVerified(before, Quick(5));
        var busiest = previous.Assignments.GroupBy(a => (a.ProviderId, a.Start.Date)).OrderByDescending(g => g.Count()).First();
        var dayOff = new NodaTime.Interval(Zone(Chicago).AtStartOfDay(busiest.Key.Date).ToInstant(), Zone(Chicago).AtStartOfDay(busiest.Key.Date.PlusDays(1)).ToInstant());
        var changed = before with { Providers = [.. before.Providers.Select(p => p.Id == busiest.Key.ProviderId ? p with { TimeOff = [dayOff] } : p)] };

        var result = Scheduler.Replan(changed, previous, Quick(5));

        Assert.Empty(ScheduleVerifier.Violations(changed, result.Schedule));
        var forced = previous.Assignments
            .Where(a => ScheduleVerifier.Violations(changed, previous).Any(v => v.StartsWith($"rule 3: {a.RequestId} ", StringComparison.Ordinal)))
            .Select(a => a.RequestId).ToHashSet();
        Assert.Equal(busiest.Select(a => a.RequestId).ToHashSet(), forced);
        Assert.Equal(forced.Order(), result.Changes.Select(c => c.RequestId).Order());
        Assert.All(result.Changes, c => Assert.Contains($"provider '{busiest.Key.ProviderId}' is no longer available then", c.Reason));
        foreach (var kept in previous.Assignments.Where(a => !forced.Contains(a.RequestId)))
        {
            Assert.Equal(kept, Booked(result.Schedule, kept.RequestId));
        }
    }

    [Fact]
    public void Replan_UrgentRequestForAFullDay_MovesOnlyWhatMakesRoomAndSaysSo()
    {
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("main", Chicago)], [], [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("visit", 30, "gp"), Type("long", 60, "gp")],
            [Request("a", "p1", "visit", "2026-12-07", "2026-12-08"), Request("b", "p2", "visit", "2026-12-07", "2026-12-08")]);
        var previous = SolveVerified(problem, Quick(5));
        Assert.All(previous.Assignments, a => Assert.Equal(new LocalDate(2026, 12, 7), a.Start.Date));
        var urgent = problem with { Requests = [.. problem.Requests, Request("u", "p3", "long", "2026-12-07", "2026-12-07", priority: 5)] };

        var result = Scheduler.Replan(urgent, previous, Quick(5));

        Assert.Empty(ScheduleVerifier.Violations(urgent, result.Schedule));
        Assert.Equal(new LocalDate(2026, 12, 7), Booked(result.Schedule, "u").Start.Date);
        Assert.Equal(["a", "b"], result.Changes.Select(c => c.RequestId));
        Assert.All(result.Changes, c =>
        {
            Assert.Equal(AppointmentChangeKind.Moved, c.Kind);
            Assert.Equal(new LocalDate(2026, 12, 8), c.After!.Start.Date);
            Assert.Equal("moved so that more priority could be booked", c.Reason);
        });
    }

    [Fact]
    public void Replan_RemovedRequestAndClosedRoom_AreReportedAsDroppedOrMoved()
    {
        var before = Week1();
        var previous = SolveVerified(before, Quick(5));
        var gone = previous.Assignments[0].RequestId;
        var inRoom2 = previous.Assignments.Where(a => a.RoomId == "exam-2").Select(a => a.RequestId).ToHashSet();
        var changed = before with
        {
            Requests = [.. before.Requests.Where(r => r.Id != gone)],
            Rooms = [before.Rooms[0], before.Rooms[1] with { Unavailable = [new NodaTime.Interval(At("2026-10-30T00:00:00-05:00"), At("2026-11-05T00:00:00-06:00"))] }],
        };

        var result = Scheduler.Replan(changed, previous, Quick(5));

        Assert.Empty(ScheduleVerifier.Violations(changed, result.Schedule));
        var dropped = Assert.Single(result.Changes, c => c.RequestId == gone);
        Assert.Equal((AppointmentChangeKind.Dropped, "the request is no longer in the problem"), (dropped.Kind, dropped.Reason));
        Assert.All(result.Changes.Where(c => c.RequestId != gone), c => Assert.Contains(c.RequestId, inRoom2));
        Assert.All(inRoom2.Where(id => id != gone), id => Assert.Contains(result.Changes, c => c.RequestId == id && c.Reason.Contains("room 'exam-2'")));
    }

    /// <summary>After a random provider's random day off: every rule holds, every request is accounted for, and the changes listed are exactly the appointments that differ.</summary>
    [Property(MaxTest = 10)]
    public void Replan_RandomDayOff_ReportsEveryChangeAndObeysEveryRule(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 10 + (size.Get % 40));
        var previous = SolveVerified(problem, Quick(2));
        var provider = problem.Providers[seed.Get % problem.Providers.Count];
        var day = problem.Horizon.Start.PlusDays(seed.Get % problem.Horizon.Length);
        var off = new NodaTime.Interval(Zone("UTC").AtStartOfDay(day).ToInstant(), Zone("UTC").AtStartOfDay(day.PlusDays(1)).ToInstant());
        var changed = problem with { Providers = [.. problem.Providers.Select(p => p.Id == provider.Id ? p with { TimeOff = [.. p.TimeOff, off] } : p)] };
        if (ProblemValidator.Validate(changed).Count > 0)
        {
            return; // the day off overlaps a fixed booking: a different change
        }

        var result = Scheduler.Replan(changed, previous, Quick(2));

        var violations = ScheduleVerifier.Violations(changed, result.Schedule);
        Assert.True(violations.Count == 0, string.Join("; ", violations));
        var differing = previous.Assignments.Where(a => !result.Schedule.Assignments.Contains(a)).Select(a => a.RequestId).Order();
        Assert.Equal(differing, result.Changes.Select(c => c.RequestId).Order());

        // Appointments the verifier finds nothing wrong with in the changed problem (and that follow nothing) are
        // kept unless moving them books more: the new schedule books at least their priority.
        var stale = ScheduleVerifier.Violations(changed, previous);
        var standing = previous.Assignments
            .Select(a => problem.Requests.First(r => r.Id == a.RequestId))
            .Where(r => r.After.Count == 0 && !stale.Any(v => v.Contains($" {r.Id} ", StringComparison.Ordinal) || v.EndsWith($" {r.Id}", StringComparison.Ordinal)))
            .Sum(r => (long)r.Priority);
        Assert.True(result.Schedule.Objective.ScheduledPriority >= standing, $"{result.Schedule.Objective.ScheduledPriority} < {standing}");
    }
}
