using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.CarePlans;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Validation;
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
        var error = Assert.Throws<ValidationException>(() => CarePlanLifecycle.Create("plan/1", "pat-1", [],
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
        var error = Assert.Throws<ValidationException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", [],
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
            var error = Assert.Throws<TransitionException>(() => CarePlanLifecycle.SetStatus(plan, to, "coord-2", Clock));
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
            var error = Assert.Throws<TransitionException>(() => CarePlanLifecycle.SetActivityStatus(plan, "eye-exam", to, "coord-2", Clock));
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

        Assert.Contains("open occurrence is 1", Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBooked(plan, "plan-1/hba1c/2", "s", Clock)).Message);
        Assert.Contains("is Completed", Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordFulfilled(done, "plan-1/eye-exam/1", Today, "s", Clock)).Message);
        Assert.Contains("not one care plan 'plan-1' emitted", Assert.Throws<RecordNotFoundException>(() => CarePlanLifecycle.RecordBooked(plan, "plan-9/eye-exam/1", "s", Clock)).Message);
        Assert.Contains("no booking", Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBookingCancelled(plan, "plan-1/eye-exam/1", "s", Clock)).Message);
        Assert.Contains("can no longer be edited", Assert.Throws<TransitionException>(() => CarePlanLifecycle.EditActivity(done, EyeExam(), "s", Clock)).Message);
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
            catch (Exception e) when (e is TransitionException or RecordNotFoundException)
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

    [Theory]
    [InlineData(ActivityStatus.NotStarted, false)]
    [InlineData(ActivityStatus.Scheduled, false)]
    [InlineData(ActivityStatus.InProgress, false)]
    [InlineData(ActivityStatus.OnHold, false)]
    [InlineData(ActivityStatus.Completed, true)]
    [InlineData(ActivityStatus.Cancelled, true)]
    [InlineData(ActivityStatus.Stopped, true)]
    [InlineData(ActivityStatus.EnteredInError, true)]
    public void IsFinal_OnlyForActivitiesThatAreOver(ActivityStatus status, bool final)
    {
        Assert.Equal(final, (EyeExam() with { Status = status }).IsFinal);
    }

    [Fact]
    public void Window_OneOffFromNotBeforeToDueBy_RecurringAroundItsDueDate()
    {
        var recurring = HbA1c(new LocalDate(2026, 12, 9));

        Assert.Equal(((LocalDate?)null, new LocalDate(2027, 6, 30)), EyeExam().Window);
        Assert.Equal(((LocalDate?)new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 31)), LabPanel(new LocalDate(2026, 12, 1)).Window);
        Assert.Equal(((LocalDate?)new LocalDate(2026, 11, 25), new LocalDate(2026, 12, 23)), recurring.Window);
        Assert.Equal(((LocalDate?)new LocalDate(2026, 11, 25), new LocalDate(2026, 12, 23)), (recurring with { CompletedCount = 1 }).Window); // no date done kept: the first due date
        Assert.Equal(((LocalDate?)new LocalDate(2026, 11, 25), new LocalDate(2026, 12, 23)), (recurring with { LastDoneOn = new LocalDate(2026, 12, 1) }).Window); // none done yet
        Assert.Equal(((LocalDate?)new LocalDate(2027, 2, 15), new LocalDate(2027, 3, 15)), (recurring with { CompletedCount = 2, LastDoneOn = new LocalDate(2026, 12, 1) }).Window);
        Assert.Equal(((LocalDate?)new LocalDate(2026, 12, 9), new LocalDate(2026, 12, 9)), (recurring with { ToleranceDays = 0 }).Window);
        Assert.Equal((1, 3), (EyeExam().OpenOccurrence, (EyeExam() with { CompletedCount = 2 }).OpenOccurrence));
        Assert.Empty(EyeExam().Links);
        Assert.Equal([new ActivityLink("lab-panel", 120)], Consult().Links);
    }

    [Fact]
    public void Activity_UnknownId_NamesPlanAndActivity()
    {
        var plan = Active(EyeExam());

        Assert.Equal("eye-exam", plan.Activity("eye-exam").Id);
        Assert.Equal("Care plan 'plan-1' has no activity 'nope'.", Assert.Throws<RecordNotFoundException>(() => plan.Activity("nope")).Message);
        Assert.IsAssignableFrom<KeyNotFoundException>(Record.Exception(() => plan.Activity("nope")));
    }

    [Fact]
    public void Equals_ComparesEveryFieldListsItemByItemAndLinksByValue()
    {
        var plan = Active(EyeExam(), Consult(), LabPanel());
        var copy = plan with
        {
            Goals = [.. plan.Goals],
            History = [.. plan.History],
            Activities = [.. plan.Activities.Select(a => a with { After = a.After is null ? null : [.. a.After] })],
        };

        Assert.True(plan.Equals(copy));
        Assert.Equal(plan.GetHashCode(), copy.GetHashCode());
        Assert.True(plan.Equals(plan with { Activities = [EyeExam() with { After = [] }, Consult(), LabPanel()] })); // no links either way
        Assert.False(plan.Equals(null));
        Assert.False(plan.Equals(plan with { Id = "plan-2" }));
        Assert.False(plan.Equals(plan with { PatientId = "pat-2" }));
        Assert.False(plan.Equals(plan with { Status = CarePlanStatus.OnHold }));
        Assert.False(plan.Equals(plan with { Goals = [new CarePlanGoal("g1", "HbA1c below 7 %", GoalStatus.Completed)] }));
        Assert.False(plan.Equals(plan with { History = [.. plan.History.Take(1)] }));
        Assert.False(plan.Equals(plan with { Activities = [EyeExam(), Consult()] }));
        Assert.False(plan.Equals(plan with { Activities = [EyeExam() with { Priority = 3 }, Consult(), LabPanel()] }));
        Assert.False(plan.Equals(plan with { Activities = [EyeExam(), Consult() with { After = [new ActivityLink("lab-panel", 60)] }, LabPanel()] }));
    }

    [Fact]
    public void Options_Validate_BothLimitsMustBePositive()
    {
        Assert.Equal((Duration.FromDays(7), Duration.FromDays(30)), (new CarePlanOptions().ActivateWithin, new CarePlanOptions().ReviewHoldAfter));
        Assert.Empty(new CarePlanOptions().Validate());
        Assert.Equal(["ActivateWithin and ReviewHoldAfter: must be positive"], new CarePlanOptions { ActivateWithin = Duration.Zero }.Validate().Select(e => e.ToString()));
        Assert.Equal(["ActivateWithin and ReviewHoldAfter: must be positive"], new CarePlanOptions { ReviewHoldAfter = Duration.Zero }.Validate().Select(e => e.ToString()));
        Assert.Empty(new CarePlanOptions { ActivateWithin = Duration.FromSeconds(1), ReviewHoldAfter = Duration.FromSeconds(1) }.Validate());
    }

    [Theory]
    [InlineData(2026, 12, 6, true, 2026, 12, 7, null)] // its last day before the horizon: overdue, anywhere in it
    [InlineData(2026, 12, 7, false, 2026, 12, 1, 2026)] // its last day is the horizon's first: not overdue
    public void Due_OverdueOnlyWhenTheWindowEndedBeforeTheHorizon(int y, int m, int d, bool overdue, int ey, int em, int ed, int? latestYear)
    {
        var dueBy = new LocalDate(y, m, d);
        var occurrence = Assert.Single(CarePlanRequests.Due([Active(LabPanel(new LocalDate(2026, 12, 1)) with { DueBy = dueBy })], December));

        Assert.Equal(overdue, occurrence.Overdue);
        Assert.Equal(new LocalDate(ey, em, ed), occurrence.Request.Earliest);
        Assert.Equal(latestYear is null ? null : (LocalDate?)dueBy, occurrence.Request.Latest);
    }

    [Fact]
    public void Due_WindowOpeningOnTheHorizonsLastDayIsEmitted_TheDayAfterIsNot()
    {
        Assert.Single(CarePlanRequests.Due([Active(LabPanel(December.End))], December));
        Assert.Empty(CarePlanRequests.Due([Active(LabPanel(December.End.PlusDays(1)))], December));
    }

    [Fact]
    public void Due_EveryField_InPlanOrderAcrossPlans_OnlyActivePlansAndOpenUnbookedActivities()
    {
        // The consult is listed first but follows the lab: it is emitted after it, and still returned in plan order.
        var consult = Consult() with { After = [new ActivityLink("lab-panel", 120, 240)] };
        var plan = Active(consult, LabPanel(), HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.InProgress, CompletedCount = 1, LastDoneOn = new LocalDate(2026, 9, 9) },
            EyeExam() with { Status = ActivityStatus.Scheduled, BookedRequestId = "plan-1/eye-exam/1" });
        var other = CarePlanLifecycle.SetStatus(CarePlanLifecycle.Create("plan-2", "pat-2", [], [EyeExam()], "coord-1", Clock), CarePlanStatus.Active, "coord-1", Clock);
        var draft = CarePlanLifecycle.Create("plan-3", "pat-3", [], [EyeExam()], "coord-1", Clock);

        var due = CarePlanRequests.Due([plan, draft, other], December);

        Assert.Equal(
            [
                "plan-1 pat-1 consult 1 False: plan-1/consult/1 pat-1 cardio-consult - 2026-12-31 p4 [plan-1/lab-panel/1 120-240]",
                "plan-1 pat-1 lab-panel 1 False: plan-1/lab-panel/1 pat-1 lab-draw - 2026-12-31 p4 []",
                "plan-1 pat-1 hba1c 2 False: plan-1/hba1c/2 pat-1 lab-draw 2026-11-25 2026-12-23 p3 []",
                "plan-2 pat-2 eye-exam 1 False: plan-2/eye-exam/1 pat-2 eye-exam - 2027-06-30 p2 []",
            ],
            due.Select(Describe));
    }

    private static string Describe(DueOccurrence d)
    {
        var r = d.Request;
        var links = string.Join(", ", r.After.Select(l => $"{l.RequestId} {l.MinGapMinutes}-{l.MaxGapMinutes}"));
        return $"{d.PlanId} {d.PatientId} {d.ActivityId} {d.Occurrence} {d.Overdue}: {r.Id} {r.PatientId} {r.TypeId} {r.Earliest?.ToString("yyyy-MM-dd", null) ?? "-"} "
            + $"{r.Latest?.ToString("yyyy-MM-dd", null) ?? "-"} p{r.Priority} [{links}]";
    }

    [Fact]
    public void Due_LinkToAFinishedActivityIsDropped_ToOneOnHoldWaits()
    {
        var labCancelled = Active(Consult(), LabPanel() with { Status = ActivityStatus.Cancelled });
        var labOnHold = Active(Consult(), LabPanel() with { Status = ActivityStatus.OnHold });

        Assert.Empty(Assert.Single(CarePlanRequests.Due([labCancelled], December)).Request.After);
        Assert.Empty(CarePlanRequests.Due([labOnHold], December));
        Assert.Equal("plans", Assert.Throws<ArgumentNullException>(() => CarePlanRequests.Due(null!, December)).ParamName);
        Assert.Equal("horizon", Assert.Throws<ArgumentNullException>(() => CarePlanRequests.Due([], null!)).ParamName);
    }

    [Fact]
    public void Overdue_ExactDaysAndOrder_ActivePlansOnly()
    {
        var today = new LocalDate(2026, 11, 10);
        var plan = Active(
            new CareActivity("a-late", ActivityKind.OneOff, "visit", 5, DueBy: new LocalDate(2026, 11, 9)),
            new CareActivity("b-later", ActivityKind.OneOff, "visit", 5, DueBy: new LocalDate(2026, 11, 1)),
            new CareActivity("c-today", ActivityKind.OneOff, "visit", 9, DueBy: today),
            new CareActivity("d-progress", ActivityKind.Recurring, "lab", 1, Every: Period.FromMonths(1), FirstDue: new LocalDate(2026, 11, 1), Status: ActivityStatus.InProgress, CompletedCount: 1),
            new CareActivity("e-done", ActivityKind.OneOff, "visit", 9, DueBy: new LocalDate(2026, 1, 1), Status: ActivityStatus.Completed),
            new CareActivity("f-same", ActivityKind.OneOff, "visit", 5, DueBy: new LocalDate(2026, 11, 1)));
        var onHoldPlan = CarePlanLifecycle.SetStatus(plan with { Id = "plan-0" }, CarePlanStatus.OnHold, "coord-1", Clock);
        var otherPlan = plan with { Id = "plan-0", Activities = [new CareActivity("z", ActivityKind.OneOff, "visit", 5, DueBy: new LocalDate(2026, 11, 1))] };

        var overdue = CarePlanRequests.Overdue([plan, onHoldPlan, otherPlan], today);

        Assert.Equal(["plan-0/z", "plan-1/b-later", "plan-1/f-same", "plan-1/a-late", "plan-1/d-progress"], overdue.Select(o => $"{o.PlanId}/{o.ActivityId}"));
        Assert.Equal(new OverdueActivity("plan-1", "pat-1", "a-late", 1, new LocalDate(2026, 11, 9), 1, 5, null), overdue[3]);
        Assert.Equal(new OverdueActivity("plan-1", "pat-1", "d-progress", 2, new LocalDate(2026, 11, 1), 9, 1, null), overdue[4]);
        Assert.Equal(9, overdue[1].DaysOverdue);
        Assert.Equal("plans", Assert.Throws<ArgumentNullException>(() => CarePlanRequests.Overdue(null!, today)).ParamName);
    }

    /// <summary>A plan in draft, one on hold and an active one with an activity on hold: each due at its limit after it entered that status, listed only after.</summary>
    [Fact]
    public void Stalled_DraftOnHoldAndActivityOnHold_ExactSinceAndDue()
    {
        var t0 = Clock.GetCurrentInstant();
        var clock = new FakeClock(t0);
        var draft = CarePlanLifecycle.Create("plan-d", "pat-1", [], [EyeExam()], "coord-1", clock);
        clock.AdvanceDays(1);
        var active = CarePlanLifecycle.SetStatus(CarePlanLifecycle.Create("plan-a", "pat-2", [], [EyeExam(), LabPanel()], "coord-1", clock), CarePlanStatus.Active, "coord-1", clock);
        clock.AdvanceDays(1);
        active = CarePlanLifecycle.SetActivityStatus(active, "lab-panel", ActivityStatus.OnHold, "coord-1", clock);
        active = CarePlanLifecycle.SetStatus(active, CarePlanStatus.OnHold, "coord-1", clock); // the plan on hold since day 2 as well
        var onHoldTwice = CarePlanLifecycle.SetStatus(CarePlanLifecycle.SetStatus(active, CarePlanStatus.Active, "coord-1", clock), CarePlanStatus.OnHold, "coord-1", clock) with { Id = "plan-h" };
        clock.AdvanceDays(3);
        onHoldTwice = CarePlanLifecycle.SetStatus(CarePlanLifecycle.SetStatus(onHoldTwice, CarePlanStatus.Active, "coord-1", clock), CarePlanStatus.OnHold, "coord-1", clock);
        var activeWithHeld = CarePlanLifecycle.SetStatus(active, CarePlanStatus.Active, "coord-1", clock) with { Id = "plan-x" };
        var options = new CarePlanOptions();

        var all = CarePlanRequests.Stalled([onHoldTwice, activeWithHeld, draft, active], options, t0 + Duration.FromDays(100));

        Assert.Equal(
            [
                new StalledCarePlan("plan-d", "pat-1", null, CarePlanLateness.NotActivated, t0, t0 + Duration.FromDays(7)),
                new StalledCarePlan("plan-a", "pat-2", null, CarePlanLateness.PlanOnHold, t0 + Duration.FromDays(2), t0 + Duration.FromDays(32)),
                new StalledCarePlan("plan-x", "pat-2", "lab-panel", CarePlanLateness.ActivityOnHold, t0 + Duration.FromDays(2), t0 + Duration.FromDays(32)),
                new StalledCarePlan("plan-h", "pat-2", null, CarePlanLateness.PlanOnHold, t0 + Duration.FromDays(5), t0 + Duration.FromDays(35)),
            ],
            all);
        Assert.Empty(CarePlanRequests.Stalled([draft], options, t0 + Duration.FromDays(7)));
        Assert.Single(CarePlanRequests.Stalled([draft], options, t0 + Duration.FromDays(7) + Duration.FromSeconds(1)));
        Assert.Equal("plans", Assert.Throws<ArgumentNullException>(() => CarePlanRequests.Stalled(null!, options, t0)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => CarePlanRequests.Stalled([], null!, t0)).ParamName);
    }

    [Fact]
    public void Stalled_NoRecordOfEnteringTheStatus_CountsFromTheFirstChange_OrNotAtAll()
    {
        var t0 = Clock.GetCurrentInstant();
        var first = new CarePlanChange(t0, "coord-1", null, "Plan.Imported");
        var plan = new CarePlan("plan-1", "pat-1", CarePlanStatus.OnHold, [], [EyeExam()], [first, new CarePlanChange(t0 + Duration.FromDays(5), "coord-1", null, "Plan.Saved")]);
        var noHistory = plan with { Id = "plan-2", History = [] };

        var stalled = CarePlanRequests.Stalled([plan, noHistory], new CarePlanOptions(), t0 + Duration.FromDays(1000));

        Assert.Equal([new StalledCarePlan("plan-1", "pat-1", null, CarePlanLateness.PlanOnHold, t0, t0 + Duration.FromDays(30))], stalled);
    }

    [Fact]
    public void SetStatus_Refused_NamesPlanStatusesAndWhatIsAllowed()
    {
        var plan = Active(EyeExam());

        Assert.Equal("Care plan 'plan-1' cannot go from Active to Draft; from Active it may go to OnHold, Completed, Revoked, EnteredInError.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.SetStatus(plan, CarePlanStatus.Draft, "coord-1", Clock)).Message);
        Assert.Equal("Care plan 'plan-1' cannot go from Revoked to Active; from Revoked it may go to nothing (it is final).",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.SetStatus(plan with { Status = CarePlanStatus.Revoked }, CarePlanStatus.Active, "coord-1", Clock)).Message);
        Assert.Equal("plan", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.SetStatus(null!, CarePlanStatus.Active, "coord-1", Clock)).ParamName);
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => CarePlanLifecycle.SetStatus(plan, CarePlanStatus.OnHold, " ", Clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.SetStatus(plan, CarePlanStatus.OnHold, "coord-1", null!)).ParamName);
    }

    [Fact]
    public void SetActivityStatus_RecurringOnHoldWithProgress_ResumesOnlyToInProgress()
    {
        var plan = Active(HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.OnHold, CompletedCount = 1, LastDoneOn = new LocalDate(2026, 12, 1) });

        var resumed = CarePlanLifecycle.SetActivityStatus(plan, "hba1c", ActivityStatus.InProgress, "coord-2", Clock);
        var refused = Assert.Throws<TransitionException>(() => CarePlanLifecycle.SetActivityStatus(plan, "hba1c", ActivityStatus.NotStarted, "coord-2", Clock));

        Assert.Equal(ActivityStatus.InProgress, resumed.Activity("hba1c").Status);
        Assert.Equal(new CarePlanChange(Clock.GetCurrentInstant(), "coord-2", "hba1c", "Activity.InProgress"), resumed.History[^1]);
        Assert.Equal("Activity 'hba1c' of care plan 'plan-1' cannot go from OnHold to NotStarted; from OnHold it may go to InProgress, Cancelled, Stopped, EnteredInError.", refused.Message);
    }

    [Fact]
    public void SetActivityStatus_OnHoldWithoutProgress_MayNotJumpToInProgress()
    {
        var plan = Active(EyeExam() with { Status = ActivityStatus.OnHold });

        Assert.Equal("Activity 'eye-exam' of care plan 'plan-1' cannot go from OnHold to InProgress; from OnHold it may go to NotStarted, Cancelled, Stopped, EnteredInError.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.SetActivityStatus(plan, "eye-exam", ActivityStatus.InProgress, "coord-1", Clock)).Message);
        Assert.Equal("Activity 'eye-exam' of care plan 'plan-1' cannot go from Completed to OnHold; from Completed it may go to nothing (it is final).",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.SetActivityStatus(plan with { Activities = [EyeExam() with { Status = ActivityStatus.Completed }] }, "eye-exam", ActivityStatus.OnHold, "coord-1", Clock)).Message);
        Assert.Equal("plan", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.SetActivityStatus(null!, "eye-exam", ActivityStatus.OnHold, "coord-1", Clock)).ParamName);
    }

    [Fact]
    public void AddActivity_AppendsAndRecords_RefusedOnAPlanThatIsOverOrWithABadDefinition()
    {
        var plan = Active(EyeExam());

        var added = CarePlanLifecycle.AddActivity(plan, LabPanel(), "coord-2", Clock);

        Assert.Equal(["eye-exam", "lab-panel"], added.Activities.Select(a => a.Id));
        Assert.Equal(new CarePlanChange(Clock.GetCurrentInstant(), "coord-2", "lab-panel", "Activity.Added"), added.History[^1]);
        Assert.Equal(plan.History.Count + 1, added.History.Count);
        Assert.Equal("Care plan 'plan-1' is Completed; it can no longer be changed.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.AddActivity(plan with { Status = CarePlanStatus.Completed }, LabPanel(), "coord-2", Clock)).Message);
        var duplicate = Assert.Throws<ValidationException>(() => CarePlanLifecycle.AddActivity(plan, EyeExam(), "coord-2", Clock));
        Assert.Equal(("activity", "The care plan is invalid: activities[1].id: duplicate activity id 'eye-exam'"), (duplicate.ParamName, duplicate.Message));
        Assert.Equal("plan", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.AddActivity(null!, LabPanel(), "coord-2", Clock)).ParamName);
        Assert.Equal("activity", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.AddActivity(plan, null!, "coord-2", Clock)).ParamName);
        Assert.NotNull(CarePlanLifecycle.AddActivity(plan with { Status = CarePlanStatus.Draft }, LabPanel(), "coord-2", Clock));
        Assert.NotNull(CarePlanLifecycle.AddActivity(plan with { Status = CarePlanStatus.OnHold }, LabPanel(), "coord-2", Clock));
    }

    [Fact]
    public void EditActivity_KeepsStatusAndProgress_RefusesUnknownOrBadDefinitions()
    {
        var plan = Active(HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.Scheduled, CompletedCount = 2, LastDoneOn = new LocalDate(2026, 9, 1), BookedRequestId = "plan-1/hba1c/3" });

        var edited = CarePlanLifecycle.EditActivity(plan, HbA1c(new LocalDate(2027, 1, 9)) with { Priority = 7 }, "coord-2", Clock);

        Assert.Equal(HbA1c(new LocalDate(2027, 1, 9)) with { Priority = 7, Status = ActivityStatus.Scheduled, CompletedCount = 2, LastDoneOn = new LocalDate(2026, 9, 1), BookedRequestId = "plan-1/hba1c/3" },
            edited.Activity("hba1c"));
        Assert.Equal(new CarePlanChange(Clock.GetCurrentInstant(), "coord-2", "hba1c", "Activity.Edited"), edited.History[^1]);
        var unknown = Assert.Throws<RecordNotFoundException>(() => CarePlanLifecycle.EditActivity(plan, EyeExam(), "coord-2", Clock));
        Assert.Equal(("care activity", "plan-1/eye-exam", "Care plan 'plan-1' has no activity 'eye-exam' to edit."), (unknown.Kind, unknown.Id, unknown.Message));
        var bad = Assert.Throws<ValidationException>(() => CarePlanLifecycle.EditActivity(plan, HbA1c(new LocalDate(2027, 1, 9)) with { ToleranceDays = -1 }, "coord-2", Clock));
        Assert.Equal(("edited", "The care plan is invalid: activities[0].toleranceDays: must not be negative, found -1"), (bad.ParamName, bad.Message));
        Assert.Equal("Activity 'hba1c' of care plan 'plan-1' is Stopped and can no longer be edited.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.EditActivity(plan with { Activities = [plan.Activities[0] with { Status = ActivityStatus.Stopped }] }, HbA1c(Today), "c", Clock)).Message);
        Assert.Equal("Care plan 'plan-1' is EnteredInError; it can no longer be changed.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.EditActivity(plan with { Status = CarePlanStatus.EnteredInError }, HbA1c(Today), "c", Clock)).Message);
        Assert.Equal("plan", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.EditActivity(null!, HbA1c(Today), "c", Clock)).ParamName);
        Assert.Equal("edited", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.EditActivity(plan, null!, "c", Clock)).ParamName);
    }

    [Fact]
    public void RecordBooked_OnlyOnAnActivePlanAndAnOpenUnbookedActivity()
    {
        var plan = Active(HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.InProgress, CompletedCount = 1, LastDoneOn = new LocalDate(2026, 9, 9) });

        var booked = CarePlanLifecycle.RecordBooked(plan, "plan-1/hba1c/2", "scheduler", Clock);

        Assert.Equal((ActivityStatus.Scheduled, "plan-1/hba1c/2", 1), (booked.Activity("hba1c").Status, booked.Activity("hba1c").BookedRequestId, booked.Activity("hba1c").CompletedCount));
        Assert.Equal(new CarePlanChange(Clock.GetCurrentInstant(), "scheduler", "hba1c", "Activity.Scheduled"), booked.History[^1]);
        Assert.Equal("Activity 'hba1c' of care plan 'plan-1' cannot be booked: the plan is Draft and the activity InProgress.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBooked(plan with { Status = CarePlanStatus.Draft }, "plan-1/hba1c/2", "s", Clock)).Message);
        Assert.Equal("Activity 'hba1c' of care plan 'plan-1' cannot be booked: the plan is Active and the activity Scheduled.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBooked(booked, "plan-1/hba1c/2", "s", Clock)).Message);
        Assert.Equal("Activity 'hba1c' of care plan 'plan-1' cannot be booked: the plan is Active and the activity OnHold.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBooked(plan with { Activities = [plan.Activities[0] with { Status = ActivityStatus.OnHold }] }, "plan-1/hba1c/2", "s", Clock)).Message);
        Assert.Equal(ActivityStatus.Scheduled, CarePlanLifecycle.RecordBooked(Active(EyeExam()), "plan-1/eye-exam/1", "s", Clock).Activity("eye-exam").Status);
    }

    [Fact]
    public void RecordBookingCancelled_ReopensToWhereItWas_OnlyForTheBookedRequest()
    {
        var recurring = Active(HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.Scheduled, CompletedCount = 1, LastDoneOn = new LocalDate(2026, 9, 9), BookedRequestId = "plan-1/hba1c/2" });
        var oneOff = Active(EyeExam() with { Status = ActivityStatus.Scheduled, BookedRequestId = "plan-1/eye-exam/1" });

        var reopened = CarePlanLifecycle.RecordBookingCancelled(recurring, "plan-1/hba1c/2", "desk-1", Clock);

        Assert.Equal((ActivityStatus.InProgress, (string?)null), (reopened.Activity("hba1c").Status, reopened.Activity("hba1c").BookedRequestId));
        Assert.Equal(new CarePlanChange(Clock.GetCurrentInstant(), "desk-1", "hba1c", "Activity.BookingCancelled"), reopened.History[^1]);
        Assert.Equal(ActivityStatus.NotStarted, CarePlanLifecycle.RecordBookingCancelled(oneOff, "plan-1/eye-exam/1", "desk-1", Clock).Activity("eye-exam").Status);
        Assert.Equal("Activity 'eye-exam' of care plan 'plan-1' has no booking 'plan-1/eye-exam/1' to cancel (it is Scheduled).",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBookingCancelled(oneOff with { Activities = [oneOff.Activities[0] with { BookedRequestId = "other" }] }, "plan-1/eye-exam/1", "d", Clock)).Message);
        Assert.Equal("Activity 'hba1c' of care plan 'plan-1' has no booking 'plan-1/hba1c/2' to cancel (it is InProgress).",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBookingCancelled(reopened, "plan-1/hba1c/2", "d", Clock)).Message);
    }

    [Fact]
    public void RecordFulfilled_OneOffCompletes_RecurringCountsAndRecords()
    {
        var on = new LocalDate(2026, 12, 10);
        var recurring = Active(HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.Scheduled, CompletedCount = 2, LastDoneOn = new LocalDate(2026, 9, 9), BookedRequestId = "plan-1/hba1c/3" });

        var counted = CarePlanLifecycle.RecordFulfilled(recurring, "plan-1/hba1c/3", on, "desk-1", Clock);
        var completed = CarePlanLifecycle.RecordFulfilled(Active(EyeExam()), "plan-1/eye-exam/1", on, "desk-2", Clock);

        Assert.Equal(HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.InProgress, CompletedCount = 3, LastDoneOn = on }, counted.Activity("hba1c"));
        Assert.Equal(new CarePlanChange(Clock.GetCurrentInstant(), "desk-1", "hba1c", "Activity.OccurrenceDone"), counted.History[^1]);
        Assert.Equal(EyeExam() with { Status = ActivityStatus.Completed, CompletedCount = 1, LastDoneOn = on }, completed.Activity("eye-exam"));
        Assert.Equal(new CarePlanChange(Clock.GetCurrentInstant(), "desk-2", "eye-exam", "Activity.Completed"), completed.History[^1]);
        Assert.Equal("Activity 'eye-exam' of care plan 'plan-1' is OnHold; an occurrence cannot be recorded as done.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordFulfilled(Active(EyeExam() with { Status = ActivityStatus.OnHold }), "plan-1/eye-exam/1", on, "d", Clock)).Message);
    }

    [Fact]
    public void OpenOccurrence_Refusals_NameTheRequestAndWhy()
    {
        var plan = Active(EyeExam(), HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.InProgress, CompletedCount = 1 });

        Assert.Equal("Request 'plan-9/eye-exam/1' is not one care plan 'plan-1' emitted.",
            Assert.Throws<RecordNotFoundException>(() => CarePlanLifecycle.RecordBooked(plan, "plan-9/eye-exam/1", "s", Clock)).Message);
        Assert.Equal("Request 'eye-exam' is not one care plan 'plan-1' emitted.",
            Assert.Throws<RecordNotFoundException>(() => CarePlanLifecycle.RecordBooked(plan, "eye-exam", "s", Clock)).Message);
        Assert.Equal("Request 'plan-1/consult/1' names activity 'consult', which care plan 'plan-1' does not have.",
            Assert.Throws<RecordNotFoundException>(() => CarePlanLifecycle.RecordBooked(plan, "plan-1/consult/1", "s", Clock)).Message);
        Assert.Equal("Activity 'eye-exam' of care plan 'plan-1' is Cancelled; it has no open occurrence.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBooked(plan with { Activities = [EyeExam() with { Status = ActivityStatus.Cancelled }] }, "plan-1/eye-exam/1", "s", Clock)).Message);
        Assert.Equal("Request 'plan-1/hba1c/1' is occurrence 1 of activity 'hba1c', but its open occurrence is 2.",
            Assert.Throws<TransitionException>(() => CarePlanLifecycle.RecordBooked(plan, "plan-1/hba1c/1", "s", Clock)).Message);
        Assert.Equal("plan", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.RecordBooked(null!, "plan-1/hba1c/2", "s", Clock)).ParamName);
    }

    [Theory]
    [InlineData("plan-1/eye-exam/1", "plan-1", "eye-exam", 1)]
    [InlineData("plan-1/eye-exam/12", "plan-1", "eye-exam", 12)]
    [InlineData("plan-1/eye-exam/0", null, null, 0)]
    [InlineData("plan-1/eye-exam/-1", null, null, 0)]
    [InlineData("plan-1/eye-exam/+1", null, null, 0)]
    [InlineData("plan-1/eye-exam/ 1", null, null, 0)]
    [InlineData("plan-1/eye-exam/x", null, null, 0)]
    [InlineData("/eye-exam/1", null, null, 0)]
    [InlineData("plan-1//1", null, null, 0)]
    [InlineData("plan-1/eye-exam/1/2", null, null, 0)]
    [InlineData("plan-1/eye-exam", null, null, 0)]
    [InlineData("", null, null, 0)]
    [InlineData(null, null, null, 0)]
    public void ParseRequestId_OnlyPlanActivityAndAPositiveNumber(string? requestId, string? planId, string? activityId, int occurrence)
    {
        Assert.Equal(planId is null ? ((string, string, int)?)null : (planId, activityId!, occurrence), CarePlanLifecycle.ParseRequestId(requestId!));
    }

    [Fact]
    public void RequestId_IsPlanActivityOccurrence()
    {
        Assert.Equal("plan-1/eye-exam/10", CarePlanLifecycle.RequestId("plan-1", "eye-exam", 10));
    }

    [Fact]
    public void HoldsBooking_OnlyTheScheduledOpenOccurrencesOwnRequest()
    {
        var plan = Active(EyeExam() with { Status = ActivityStatus.Scheduled, BookedRequestId = "plan-1/eye-exam/1" },
            HbA1c(new LocalDate(2026, 12, 9)) with { Status = ActivityStatus.InProgress, CompletedCount = 1, BookedRequestId = "plan-1/hba1c/2" });

        Assert.True(CarePlanLifecycle.HoldsBooking(plan, "plan-1/eye-exam/1"));
        Assert.False(CarePlanLifecycle.HoldsBooking(plan, "plan-1/hba1c/2")); // not scheduled
        Assert.False(CarePlanLifecycle.HoldsBooking(plan with { Id = "plan-2" }, "plan-1/eye-exam/1"));
        Assert.False(CarePlanLifecycle.HoldsBooking(plan, "plan-1/consult/1"));
        Assert.False(CarePlanLifecycle.HoldsBooking(plan, "plan-1/eye-exam/1#2"));
        Assert.False(CarePlanLifecycle.HoldsBooking(plan with { Activities = [plan.Activities[0] with { BookedRequestId = "plan-1/eye-exam/2" }] }, "plan-1/eye-exam/1"));
        Assert.False(CarePlanLifecycle.HoldsBooking(plan with { Activities = [plan.Activities[0] with { CompletedCount = 1, BookedRequestId = "plan-1/eye-exam/1" }] }, "plan-1/eye-exam/1"));
    }

    [Fact]
    public void Create_RecordsWhoAndWhen_AndRefusesBadGoalsAndArguments()
    {
        var plan = CarePlanLifecycle.Create("plan-1", "pat-1", [new CarePlanGoal("g1", "x")], [EyeExam()], "coord-1", Clock);

        Assert.Equal((CarePlanStatus.Draft, "pat-1"), (plan.Status, plan.PatientId));
        Assert.Equal([new CarePlanChange(Clock.GetCurrentInstant(), "coord-1", null, "Plan.Created")], plan.History);
        var goals = Assert.Throws<ValidationException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", [null!, new CarePlanGoal(" ", "x"), new CarePlanGoal("g1", "x"), new CarePlanGoal("g1", "y")], [], "coord-1", Clock));
        Assert.Equal("activities", goals.ParamName);
        Assert.Equal(["goals[0].id: required", "goals[1].id: required", "goals[3].id: duplicate goal id 'g1'"], goals.Errors.Texts());
        Assert.Equal("The care plan is invalid: id: required", Assert.Throws<ValidationException>(() => CarePlanLifecycle.Create(" ", "pat-1", [], [], "coord-1", Clock)).Message);
        Assert.Equal("patientId", Assert.Throws<ArgumentException>(() => CarePlanLifecycle.Create("plan-1", " ", [], [], "coord-1", Clock)).ParamName);
        Assert.Equal("goals", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", null!, [], "coord-1", Clock)).ParamName);
        Assert.Equal("activities", Assert.Throws<ArgumentNullException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", [], null!, "coord-1", Clock)).ParamName);
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", [], [], "", Clock)).ParamName);
    }

    [Fact]
    public void Create_EachActivityDefinitionProblem_NamedByPath()
    {
        var error = Assert.Throws<ValidationException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", [],
            [
                null!,
                new CareActivity("", ActivityKind.OneOff, " ", 0, DueBy: Today),
                new CareActivity("r1", ActivityKind.Recurring, "lab", 100, Every: Period.FromMonths(-1), FirstDue: Today, ToleranceDays: -2),
                new CareActivity("r2", ActivityKind.Recurring, "lab", Every: Period.Zero, FirstDue: Today),
                new CareActivity("o1", ActivityKind.Order, "lab", DueBy: Today, Every: Period.FromDays(1), After: [new ActivityLink("o1"), new ActivityLink("r1", -1), new ActivityLink("r2", 30, 20), new ActivityLink("r2", 30, 30)]),
                new CareActivity("o2", ActivityKind.OneOff, "lab", DueBy: Today, NotBefore: Today, After: [new ActivityLink("r1", 0, 0)]),
            ], "coord-1", Clock));

        Assert.Equal(
            [
                "activities[0]: must not be null", "activities[1].id: required", "activities[1].appointmentTypeId: required", "activities[1].priority: must be from 1 to 100, found 0",
                "activities[2].every: a recurring activity needs a positive cadence in days, weeks, months or years", "activities[2].toleranceDays: must not be negative, found -2",
                "activities[3].every: a recurring activity needs a positive cadence in days, weeks, months or years",
                "activities[4].every: only recurring activities have a cadence", "activities[4].after[0].activityId: an activity cannot follow itself",
                "activities[4].after[1]: gaps must satisfy 0 <= minGapMinutes <= maxGapMinutes", "activities[4].after[2]: gaps must satisfy 0 <= minGapMinutes <= maxGapMinutes",
            ],
            error.Errors.Texts());
        Assert.Equal("activities", error.ParamName);
    }

    [Theory]
    [InlineData("weeks")]
    [InlineData("days")]
    [InlineData("years")]
    [InlineData("mixed")]
    public void Create_RecurringCadenceInAnyDateUnit_IsAccepted(string unit)
    {
        var every = unit switch
        {
            "weeks" => Period.FromWeeks(2),
            "days" => Period.FromDays(10),
            "years" => Period.FromYears(1),
            _ => Period.FromMonths(1) + Period.FromDays(3),
        };

        var plan = CarePlanLifecycle.Create("plan-1", "pat-1", [], [HbA1c(Today) with { Every = every }], "coord-1", Clock);

        Assert.Equal(every, plan.Activity("hba1c").Every);
    }

    [Theory]
    [InlineData("negative weeks")]
    [InlineData("negative days")]
    [InlineData("negative years")]
    [InlineData("minutes")]
    public void Create_RecurringCadenceNegativeOrWithTime_IsRefused(string unit)
    {
        var every = unit switch
        {
            "negative weeks" => Period.FromWeeks(-2),
            "negative days" => Period.FromMonths(1) + Period.FromDays(-3),
            "negative years" => Period.FromYears(-1) + Period.FromMonths(13),
            _ => Period.FromDays(1) + Period.FromMinutes(1),
        };

        var error = Assert.Throws<ValidationException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", [], [HbA1c(Today) with { Every = every }], "coord-1", Clock));

        Assert.Equal("The care plan is invalid: activities[0].every: a recurring activity needs a positive cadence in days, weeks, months or years", error.Message);
        Assert.Equal(new ValidationError("activities[0].every", "a recurring activity needs a positive cadence in days, weeks, months or years"), Assert.Single(error.Errors));
    }

    [Fact]
    public void Create_CycleReachedPartWay_NamesOnlyTheCycle()
    {
        var error = Assert.Throws<ValidationException>(() => CarePlanLifecycle.Create("plan-1", "pat-1", [],
            [
                new CareActivity("a", ActivityKind.OneOff, "visit", DueBy: Today, After: [new ActivityLink("b")]),
                new CareActivity("b", ActivityKind.OneOff, "visit", DueBy: Today, After: [new ActivityLink("c")]),
                new CareActivity("c", ActivityKind.OneOff, "visit", DueBy: Today, After: [new ActivityLink("d"), new ActivityLink("b")]),
                new CareActivity("d", ActivityKind.OneOff, "visit", DueBy: Today),
            ], "coord-1", Clock));
        var diamond = CarePlanLifecycle.Create("plan-1", "pat-1", [],
            [
                new CareActivity("a", ActivityKind.OneOff, "visit", DueBy: Today, After: [new ActivityLink("b"), new ActivityLink("c")]),
                new CareActivity("b", ActivityKind.OneOff, "visit", DueBy: Today, After: [new ActivityLink("d")]),
                new CareActivity("c", ActivityKind.OneOff, "visit", DueBy: Today, After: [new ActivityLink("d")]),
                new CareActivity("d", ActivityKind.OneOff, "visit", DueBy: Today),
            ], "coord-1", Clock);

        Assert.Equal(new ValidationError("activities", "cycle of after links: b -> c -> b"), Assert.Single(error.Errors));
        Assert.Equal(4, diamond.Activities.Count);
    }
}
