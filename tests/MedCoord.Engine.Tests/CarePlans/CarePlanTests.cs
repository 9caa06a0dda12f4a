using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.CarePlans;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Solving;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.CarePlans;

public sealed class CarePlanTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 11, 2, 14, 0));
    private static readonly LocalDate Today = new(2026, 11, 2);
    private static readonly DateInterval December = new(new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 11));

    private static CareActivity EyeExam(LocalDate? dueBy = null) => new("eye-exam", ActivityKind.OneOff, "eye-exam", 2, DueBy: dueBy ?? new LocalDate(2027, 6, 30));

    private static CareActivity HbA1c(LocalDate firstDue) =>
        new("hba1c", ActivityKind.Recurring, "lab-draw", 3, Every: Period.FromMonths(3), ToleranceDays: 14, FirstDue: firstDue);

    private static CareActivity LabPanel(LocalDate? notBefore = null) =>
        new("lab-panel", ActivityKind.Order, "lab-draw", 4, NotBefore: notBefore, DueBy: new LocalDate(2026, 12, 31));

    private static CareActivity Consult() =>
        new("consult", ActivityKind.OneOff, "cardio-consult", 4, DueBy: new LocalDate(2026, 12, 31), After: [new ActivityLink("lab-panel", MinGapMinutes: 120)]);

    private static CarePlan Active(params CareActivity[] activities) =>
        CarePlanLifecycle.SetStatus(CarePlanLifecycle.Create("plan-1", "pat-1", [new CarePlanGoal("g1", "HbA1c below 7 %")], activities, "coord-1", Clock),
            CarePlanStatus.Active, "coord-1", Clock);

    [Fact]
    public void Create_BadDefinitions_NameEveryProblemByPath()
    {
        var error = Assert.Throws<ArgumentException>(() => CarePlanLifecycle.Create("plan/1", "pat-1", [],
            [
                new CareActivity("a", ActivityKind.OneOff, "visit"),
                new CareActivity("b", ActivityKind.Recurring, "lab", Every: Period.FromHours(3)),
                new CareActivity("c", ActivityKind.Order, "lab", 101, DueBy: Today, After: [new ActivityLink("zzz")]),
                new CareActivity("a", ActivityKind.OneOff, "visit", DueBy: Today, NotBefore: Today.PlusDays(1)),
            ], "coord-1", Clock));

        Assert.Contains("id: 'plan/1' must not contain '/'", error.Message);
        Assert.Contains("activities[0].dueBy: a OneOff activity needs the last date", error.Message);
        Assert.Contains("activities[1].every: a recurring activity needs a positive cadence", error.Message);
        Assert.Contains("activities[1].firstDue:", error.Message);
        Assert.Contains("activities[2].priority: must be from 1 to 100, found 101", error.Message);
        Assert.Contains("activities[2].after[0].activityId: unknown activity 'zzz'", error.Message);
        Assert.Contains("activities[3].id: duplicate activity id 'a'", error.Message);
        Assert.Contains("activities[3].notBefore: must not be after dueBy", error.Message);
    }

    [Fact]
    public void Create_CycleOfLinks_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", [],
            [LabPanel() with { After = [new ActivityLink("consult")] }, Consult()], "coord-1", Clock));

        Assert.Contains("cycle of after links: lab-panel -> consult -> lab-panel", error.Message);
    }

    /// <summary>Every plan move, allowed or refused, against FHIR's request-status lifecycle.</summary>
    [Theory]
    [MemberData(nameof(StatusPairs.CarePlan), MemberType = typeof(StatusPairs))]
    public void SetStatus_EveryPair_FollowsTheLifecycle(CarePlanStatus from, CarePlanStatus to)
    {
        var plan = Active(EyeExam()) with { Status = from };
        var allowed = (from, to) switch
        {
            (CarePlanStatus.Draft, CarePlanStatus.Active or CarePlanStatus.Revoked or CarePlanStatus.EnteredInError) => true,
            (CarePlanStatus.Active, CarePlanStatus.OnHold or CarePlanStatus.Completed or CarePlanStatus.Revoked or CarePlanStatus.EnteredInError) => true,
            (CarePlanStatus.OnHold, CarePlanStatus.Active or CarePlanStatus.Revoked or CarePlanStatus.EnteredInError) => true,
            _ => false,
        };

        if (allowed)
        {
            var moved = CarePlanLifecycle.SetStatus(plan, to, "coord-2", Clock);
            Assert.Equal(to, moved.Status);
            Assert.Equal(new CarePlanChange(Clock.GetCurrentInstant(), "coord-2", null, $"Plan.{to}"), moved.History[^1]);
        }
        else
        {
            var error = Assert.Throws<CarePlanTransitionException>(() => CarePlanLifecycle.SetStatus(plan, to, "coord-2", Clock));
            Assert.Contains($"cannot go from {from} to {to}", error.Message);
        }
    }

    /// <summary>Every manual activity move, allowed or refused (an activity on hold resumes to where it was).</summary>
    [Theory]
    [MemberData(nameof(StatusPairs.Activity), MemberType = typeof(StatusPairs))]
    public void SetActivityStatus_EveryPair_FollowsTheLifecycle(ActivityStatus from, ActivityStatus to)
    {
        var plan = Active(EyeExam() with { Status = from, BookedRequestId = from == ActivityStatus.Scheduled ? "plan-1/eye-exam/1" : null });
        var allowed = (from, to) switch
        {
            (ActivityStatus.NotStarted, ActivityStatus.OnHold or ActivityStatus.Cancelled or ActivityStatus.EnteredInError) => true,
            (ActivityStatus.Scheduled, ActivityStatus.OnHold or ActivityStatus.Cancelled or ActivityStatus.Stopped or ActivityStatus.EnteredInError) => true,
            (ActivityStatus.InProgress, ActivityStatus.OnHold or ActivityStatus.Completed or ActivityStatus.Stopped or ActivityStatus.EnteredInError) => true,
            (ActivityStatus.OnHold, ActivityStatus.NotStarted or ActivityStatus.Cancelled or ActivityStatus.Stopped or ActivityStatus.EnteredInError) => true,
            _ => false,
        };

        if (allowed)
        {
            var moved = CarePlanLifecycle.SetActivityStatus(plan, "eye-exam", to, "coord-2", Clock).Activity("eye-exam");
            Assert.Equal(to, moved.Status);
            Assert.Null(moved.BookedRequestId);
        }
        else
        {
            var error = Assert.Throws<CarePlanTransitionException>(() => CarePlanLifecycle.SetActivityStatus(plan, "eye-exam", to, "coord-2", Clock));
            Assert.Contains($"cannot go from {from} to {to}", error.Message);
        }
    }

    [Fact]
    public void Due_OneOffActivity_EmitsItsWindowUnderAnIdThatSurvivesEdits()
    {
        var plan = Active(EyeExam() with { NotBefore = new LocalDate(2026, 12, 1) });

        var first = Assert.Single(CarePlanRequests.Due([plan], December));
        var edited = CarePlanLifecycle.EditActivity(plan, EyeExam(new LocalDate(2027, 3, 31)) with { Priority = 9 }, "coord-1", Clock);
        var again = Assert.Single(CarePlanRequests.Due([edited], December));

        var r = first.Request;
        Assert.Equal(("plan-1/eye-exam/1", "pat-1", "eye-exam", (LocalDate?)new LocalDate(2026, 12, 1), (LocalDate?)new LocalDate(2027, 6, 30), 2),
            (r.Id, r.PatientId, r.TypeId, r.Earliest, r.Latest, r.Priority));
        Assert.Empty(r.After);
        Assert.Equal("plan-1/eye-exam/1", again.Request.Id);
        Assert.Equal((null, new LocalDate(2027, 3, 31), 9), (again.Request.Earliest, again.Request.Latest, again.Request.Priority));
        Assert.False(first.Overdue);
    }

    [Fact]
    public void Due_RecurringActivity_FallsDueAgainOneCadenceAfterItWasDone()
    {
        var plan = Active(HbA1c(new LocalDate(2026, 12, 9)));

        var first = Assert.Single(CarePlanRequests.Due([plan], December));
        var booked = CarePlanLifecycle.RecordBooked(plan, first.Request.Id, "scheduler", Clock);
        var done = CarePlanLifecycle.RecordFulfilled(booked, first.Request.Id, new LocalDate(2026, 12, 10), "desk-1", Clock);
        var next = Assert.Single(CarePlanRequests.Due([done], new DateInterval(new LocalDate(2027, 3, 1), new LocalDate(2027, 3, 31))));

        Assert.Equal(("plan-1/hba1c/1", new LocalDate(2026, 11, 25), new LocalDate(2026, 12, 23)), (first.Request.Id, first.Request.Earliest!.Value, first.Request.Latest!.Value));
        Assert.Empty(CarePlanRequests.Due([booked], December));
        Assert.Equal((ActivityStatus.InProgress, 1, (string?)null), (done.Activity("hba1c").Status, done.Activity("hba1c").CompletedCount, done.Activity("hba1c").BookedRequestId));
        Assert.Equal(("plan-1/hba1c/2", new LocalDate(2027, 2, 24), new LocalDate(2027, 3, 24)), (next.Request.Id, next.Request.Earliest!.Value, next.Request.Latest!.Value));
        Assert.Empty(CarePlanRequests.Due([done], December));
    }

    [Fact]
    public void Due_OverdueActivity_MayGoAnywhereInTheHorizonAndIsMarked()
    {
        var occurrence = Assert.Single(CarePlanRequests.Due([Active(EyeExam(new LocalDate(2026, 11, 30)))], December));

        Assert.True(occurrence.Overdue);
        Assert.Equal((December.Start, (LocalDate?)null), (occurrence.Request.Earliest!.Value, occurrence.Request.Latest));
    }

    [Fact]
    public void Due_PlanNotActiveOrActivityOnHold_EmitsNothing()
    {
        var plan = Active(EyeExam());

        Assert.Empty(CarePlanRequests.Due([CarePlanLifecycle.SetStatus(plan, CarePlanStatus.OnHold, "coord-1", Clock)], December));
        Assert.Empty(CarePlanRequests.Due([CarePlanLifecycle.SetActivityStatus(plan, "eye-exam", ActivityStatus.OnHold, "coord-1", Clock)], December));
        Assert.Empty(CarePlanRequests.Due([CarePlanLifecycle.Create("plan-2", "pat-1", [], [EyeExam()], "coord-1", Clock)], December));
    }

    [Fact]
    public void Due_LabBeforeConsult_LinksTheConsultToTheLabsRequestOrBookingAndWaitsForALabNotYetDue()
    {
        var plan = Active(LabPanel(), Consult());
        var both = CarePlanRequests.Due([plan], December);
        var labBooked = CarePlanLifecycle.RecordBooked(plan, "plan-1/lab-panel/1", "scheduler", Clock);
        var labDone = CarePlanLifecycle.RecordFulfilled(labBooked, "plan-1/lab-panel/1", December.Start, "desk-1", Clock);
        var labLater = Active(LabPanel(notBefore: new LocalDate(2026, 12, 20)), Consult());

        Assert.Equal(["plan-1/lab-panel/1", "plan-1/consult/1"], both.Select(d => d.Request.Id));
        Assert.Equal(new RequestLink("plan-1/lab-panel/1", 120), Assert.Single(both[1].Request.After));
        Assert.Equal(new RequestLink("plan-1/lab-panel/1", 120), Assert.Single(Assert.Single(CarePlanRequests.Due([labBooked], December)).Request.After));
        Assert.Empty(Assert.Single(CarePlanRequests.Due([labDone], December)).Request.After);
        Assert.Empty(CarePlanRequests.Due([labLater], December));
    }

    /// <summary>The requests a plan emits are solved by the scheduler, and its bookings and fulfilments close the activities.</summary>
    [Fact]
    public void Due_SolvedByTheScheduler_BooksTheLabTwoHoursBeforeTheConsultAndClosesBoth()
    {
        var plan = Active(LabPanel(), Consult(), EyeExam());
        var due = CarePlanRequests.Due([plan], December);
        var problem = new Problem(December,
            [new Facility("clinic", DateTimeZoneProviders.Tzdb["America/Denver"], [new WeeklyHours([IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday], new LocalTime(8, 0), new LocalTime(17, 0))])],
            [new Room("lab", "clinic", ["lab"], []), new Room("exam", "clinic", ["exam"], [])],
            [new Provider("dr-cho", ["cardiology", "optometry"], [new ProviderAvailability("clinic", new WeeklyHours([IsoDayOfWeek.Monday], new LocalTime(8, 0), new LocalTime(11, 0)))], [])],
            [new Patient("pat-1", null, null, [])],
            [new AppointmentType("lab-draw", 15, null, ["lab"]), new AppointmentType("cardio-consult", 30, "cardiology", ["exam"]), new AppointmentType("eye-exam", 30, "optometry", ["exam"])],
            [.. due.Select(d => d.Request)],
            []);

        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(10), 2, 0));
        var booked = schedule.Assignments.Aggregate(plan, (p, a) => CarePlanLifecycle.RecordBooked(p, a.RequestId, "scheduler", Clock));
        var done = schedule.Assignments.Aggregate(booked, (p, a) => CarePlanLifecycle.RecordFulfilled(p, a.RequestId, a.Start.Date, "desk-1", Clock));

        var lab = schedule.Assignments.Single(a => a.RequestId == "plan-1/lab-panel/1");
        var consult = schedule.Assignments.Single(a => a.RequestId == "plan-1/consult/1");
        Assert.True(consult.Start.ToInstant() - lab.End.ToInstant() >= Duration.FromMinutes(120));
        Assert.Equal(3, schedule.Assignments.Count);
        Assert.All(booked.Activities, a => Assert.Equal(ActivityStatus.Scheduled, a.Status));
        Assert.All(done.Activities, a => Assert.Equal(ActivityStatus.Completed, a.Status));
        Assert.Empty(CarePlanRequests.Due([done], December));
    }

    [Fact]
    public void Overdue_ListsLateOpenActivitiesHighestPriorityFirstAndSkipsHeldOrDoneOnes()
    {
        var plan = Active(EyeExam(new LocalDate(2026, 10, 1)), LabPanel() with { DueBy = new LocalDate(2026, 10, 20) }, HbA1c(new LocalDate(2026, 9, 1)),
            new CareActivity("held", ActivityKind.OneOff, "visit", 9, DueBy: new LocalDate(2026, 1, 1)));
        plan = CarePlanLifecycle.SetActivityStatus(plan, "held", ActivityStatus.OnHold, "coord-1", Clock);
        plan = CarePlanLifecycle.RecordBooked(plan, "plan-1/eye-exam/1", "scheduler", Clock);

        var overdue = CarePlanRequests.Overdue([plan], Today);

        Assert.Equal(["lab-panel", "hba1c", "eye-exam"], overdue.Select(o => o.ActivityId));
        Assert.Equal(new OverdueActivity("plan-1", "pat-1", "hba1c", 1, new LocalDate(2026, 9, 15), 48, 3, null), overdue[1]);
        Assert.Equal("plan-1/eye-exam/1", overdue[2].BookedRequestId);
    }

    [Fact]
    public void Record_WrongOccurrenceOrFinishedActivity_IsRefused()
    {
        var plan = Active(EyeExam(), HbA1c(new LocalDate(2026, 12, 9)));
        var done = CarePlanLifecycle.RecordFulfilled(plan, "plan-1/eye-exam/1", Today, "desk-1", Clock);

        Assert.Contains("open occurrence is 1", Assert.Throws<CarePlanTransitionException>(() => CarePlanLifecycle.RecordBooked(plan, "plan-1/hba1c/2", "s", Clock)).Message);
        Assert.Contains("is Completed", Assert.Throws<CarePlanTransitionException>(() => CarePlanLifecycle.RecordFulfilled(done, "plan-1/eye-exam/1", Today, "s", Clock)).Message);
        Assert.Contains("not one care plan 'plan-1' emitted", Assert.Throws<CarePlanTransitionException>(() => CarePlanLifecycle.RecordBooked(plan, "plan-9/eye-exam/1", "s", Clock)).Message);
        Assert.Contains("no booking", Assert.Throws<CarePlanTransitionException>(() => CarePlanLifecycle.RecordBookingCancelled(plan, "plan-1/eye-exam/1", "s", Clock)).Message);
        Assert.Contains("can no longer be edited", Assert.Throws<CarePlanTransitionException>(() => CarePlanLifecycle.EditActivity(done, EyeExam(), "s", Clock)).Message);
    }

    /// <summary>
    /// Random sequences of operations (allowed or refused): a refused one changes nothing; an activity is Scheduled
    /// exactly when it holds a booking; every emitted request is the open occurrence of an open, unbooked activity of an
    /// active plan; every change is in the history.
    /// </summary>
    [Property(MaxTest = 200)]
    public void RandomOperations_KeepThePlanConsistent(int[] operations)
    {
        var plan = Active(EyeExam(), HbA1c(new LocalDate(2026, 12, 9)), LabPanel(), Consult());
        foreach (var op in operations ?? [])
        {
            var activity = plan.Activities[Math.Abs(op % plan.Activities.Count)];
            var request = CarePlanLifecycle.RequestId(plan.Id, activity.Id, activity.OpenOccurrence + (op % 7 == 0 ? 1 : 0));
            var before = plan;
            try
            {
                plan = Math.Abs(op / 4 % 7) switch
                {
                    0 => CarePlanLifecycle.RecordBooked(plan, request, "s", Clock),
                    1 => CarePlanLifecycle.RecordFulfilled(plan, request, Today, "d", Clock),
                    2 => CarePlanLifecycle.RecordBookingCancelled(plan, request, "s", Clock),
                    3 => CarePlanLifecycle.SetActivityStatus(plan, activity.Id, Enum.GetValues<ActivityStatus>()[Math.Abs(op % 8)], "c", Clock),
                    4 => CarePlanLifecycle.SetStatus(plan, Enum.GetValues<CarePlanStatus>()[Math.Abs(op % 6)], "c", Clock),
                    5 => CarePlanLifecycle.EditActivity(plan, activity with { Priority = 1 + Math.Abs(op % 100) }, "c", Clock),
                    _ => plan,
                };
                Assert.True(ReferenceEquals(plan, before) || plan.History.Count == before.History.Count + 1);
            }
            catch (CarePlanTransitionException)
            {
                Assert.Same(before, plan);
            }

            Assert.All(plan.Activities, a => Assert.Equal(a.Status == ActivityStatus.Scheduled, a.BookedRequestId is not null));
            foreach (var due in CarePlanRequests.Due([plan], December))
            {
                var a = plan.Activity(due.ActivityId);
                Assert.Equal(CarePlanStatus.Active, plan.Status);
                Assert.True(a.Status is ActivityStatus.NotStarted or ActivityStatus.InProgress);
                Assert.Equal((plan.Id, a.Id, a.OpenOccurrence), CarePlanLifecycle.ParseRequestId(due.Request.Id));
            }
        }
    }
}
