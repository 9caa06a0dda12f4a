using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Solving.CpSat;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>Rule 10's wall-clock arithmetic on its own: a visit's window, wall-clock minutes, and the starts at a wall-clock time across a change of offset.</summary>
public sealed class SeriesRuleTests
{
    private const string Ny = "America/New_York";

    /// <summary>A clinic open every day 08:00–18:00 in New York from Monday 2026-10-26 to Sunday 2026-11-08 (the clocks go back on 2026-11-01).</summary>
    private static (Calendar Calendar, FacilityOption Facility) AcrossTheEndOfDaylightTime()
    {
        var problem = Problem("2026-10-26", "2026-11-08",
            [Facility("clinic", Ny, Week("08:00", "18:00"))],
            [Room("gym-1", "clinic", "gym")],
            [Provider("pt-a", "physio", "clinic", Week("08:00", "18:00"))],
            [Patient("p1")],
            [Type("physio", 30, "physio", ["gym"])],
            [Request("r1", "p1", "physio")]);
        var calendar = new Calendar(problem);
        return (calendar, RequestCandidates.Build(calendar).Single().Facilities.Single());
    }

    private static long Minute(Calendar calendar, string instant) => calendar.Timeline.ToMinute(NodaTime.Text.InstantPattern.General.Parse(instant).Value);

    private static long Local(string local) => Timeline.LocalMinute(NodaTime.Text.LocalDateTimePattern.GeneralIso.Parse(local).Value);

    [Theory]
    [InlineData(600, 30, 1, 7 * 1440 + 570, 7 * 1440 + 630)]
    [InlineData(600, 0, 2, 14 * 1440 + 600, 14 * 1440 + 600)]
    [InlineData(10, 30, 1, 7 * 1440, 7 * 1440 + 40)]
    [InlineData(1430, 30, 1, 7 * 1440 + 1400, 7 * 1440 + 1439)]
    public void WindowOf_IsTheFirstVisitsTimeOfDayWithinTheToleranceOnItsDay(long time, int tolerance, int k, long from, long to)
    {
        var series = new RequestSeries("s", ["a", "b", "c"], 7, tolerance);
        var firstDay = 20_000L * 1440;

        Assert.Equal((firstDay + from, firstDay + to), SeriesRule.WindowOf(series, firstDay + time, k));
    }

    [Fact]
    public void LocalMinute_OfAWallClockTime_CountsMinutesFromTheFirstSupportedDate()
    {
        Assert.Equal(1441, Local("0001-01-02T00:01:00"));
        Assert.Equal(((719_162L + 20_752) * 1440) + (9 * 60), Local("2026-10-26T09:00:00"));
        Assert.Equal(((719_162L - 1) * 1440) + (23 * 60), Local("1969-12-31T23:00:00")); // before 1970, still counted up from the epoch
    }

    [Fact]
    public void LocalMinute_AtAStart_UsesTheOffsetOfItsStretchUpToTheChange()
    {
        var (calendar, facility) = AcrossTheEndOfDaylightTime();
        var change = Minute(calendar, "2026-11-01T06:00:00Z");

        // The last minute before the clocks go back is 01:59 EDT; the change itself is 01:00 EST.
        Assert.Equal(Local("2026-11-01T01:59:00"), SeriesRule.LocalMinute(facility, change - 1));
        Assert.Equal(Local("2026-11-01T01:00:00"), SeriesRule.LocalMinute(facility, change));
        Assert.Equal(Local("2026-10-26T09:00:00"), SeriesRule.LocalMinute(facility, Minute(calendar, "2026-10-26T13:00:00Z")));
        Assert.Equal(Local("2026-11-02T08:00:00"), SeriesRule.LocalMinute(facility, Minute(calendar, "2026-11-02T13:00:00Z")));
    }

    [Fact]
    public void StartsAtLocal_OnEitherSideOfTheChange_AreTheStartsAtThatWallClockTime()
    {
        var (calendar, facility) = AcrossTheEndOfDaylightTime();

        Assert.Equal([(Minute(calendar, "2026-10-26T13:00:00Z"), Minute(calendar, "2026-10-26T13:01:00Z"))],
            SeriesRule.StartsAtLocal(facility, Local("2026-10-26T09:00:00"), Local("2026-10-26T09:00:00")).Ranges);
        Assert.Equal([(Minute(calendar, "2026-11-02T14:00:00Z"), Minute(calendar, "2026-11-02T15:00:00Z"))],
            SeriesRule.StartsAtLocal(facility, Local("2026-11-02T09:00:00"), Local("2026-11-02T09:59:00")).Ranges);
        Assert.Equal([(Minute(calendar, "2026-11-02T13:00:00Z"), Minute(calendar, "2026-11-02T13:30:00Z"))],
            SeriesRule.StartsAtLocal(facility, Local("2026-11-02T07:00:00"), Local("2026-11-02T08:29:00")).Ranges);
        Assert.Empty(SeriesRule.StartsAtLocal(facility, Local("2026-11-02T19:00:00"), Local("2026-11-02T20:00:00")).Ranges);
    }
    [Fact]
    public void AddTo_ASeriesWithAVisitMissingFromTheModel_BooksNoneOfItsVisits()
    {
        var problem = Problem("2026-10-05", "2026-10-25",
            [Facility("clinic", Ny, Week("08:00", "18:00"))],
            [Room("gym-1", "clinic", "gym")],
            [Provider("pt-a", "physio", "clinic", Week("08:00", "18:00"))],
            [Patient("p1")],
            [Type("physio", 30, "physio", ["gym"])],
            [Request("s1", "p1", "physio"), Request("s2", "p1", "physio"), Request("s3", "p1", "physio")]) with
        {
            Series = [new RequestSeries("course", ["s1", "s2", "s3"], 7)],
        };
        var candidates = RequestCandidates.Build(new Calendar(problem));

        // The whole series fits; with its last visit left out of the model (as a neighbourhood does when nothing is left for it), no visit may be booked.
        Assert.Equal(CpSolverStatus.Optimal, SolveBookingTheFirst(candidates));
        Assert.Equal(CpSolverStatus.Infeasible, SolveBookingTheFirst([.. candidates.Where(c => c.Request.Id != "s3")]));
    }

    private static CpSolverStatus SolveBookingTheFirst(IReadOnlyList<RequestCandidates> candidates)
    {
        var model = new ScheduleModel(candidates);
        model.Model.Add(model.Requests["s1"].Scheduled == 1);
        return CpSatRunner.Solve(model.Model, new CpSatLimits(10), CpSatCall.FitsAlone, null).Status;
    }
}
