using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Time;

/// <summary>
/// A patient's hours count on every patient-local date that overlaps the horizon's facility-local dates: a patient far
/// east or west of the facility keeps the hours that fall on the horizon's first and last facility dates, DST changes
/// in the patient's zone included.
/// </summary>
public sealed class PatientZoneEdgeTests
{
    private static readonly string[] PatientZones =
        ["Pacific/Kiritimati", "Pacific/Tongatapu", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Pago_Pago", "Asia/Kolkata", "Asia/Kathmandu", "Etc/GMT+12"];

    private static readonly string[] FacilityZones = ["America/New_York", "Europe/London", "Asia/Singapore", "America/Phoenix", "Pacific/Honolulu", "Asia/Tokyo"];

    // Monday to Friday in every facility zone.
    private static readonly DateInterval Horizon = new(Date("2026-12-07"), Date("2026-12-11"));

    /// <summary>Each facility zone, patient zone and edge of the horizon.</summary>
    public static TheoryData<string, string, bool> Edges()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var facility in FacilityZones)
        {
            foreach (var patient in PatientZones)
            {
                data.Add(facility, patient, false);
                data.Add(facility, patient, true);
            }
        }

        return data;
    }

    /// <summary>
    /// A whole facility-local hour of the edge date that lies on one patient-local date: the first one whose patient
    /// date is outside the horizon's dates (the hours lost when a patient's week is read on the horizon's dates), else
    /// the first one whose patient date differs from the facility's, else the first one.
    /// </summary>
    private static (Instant Start, bool OutsideHorizonDates) EdgeHour(string facilityZone, string patientZone, bool last)
    {
        var date = last ? Horizon.End : Horizon.Start;
        var hours = Enumerable.Range(0, 23)
            .Select(hour => Zone(facilityZone).AtStrictly(date.At(new LocalTime(hour, 0))).ToInstant())
            .Select(start => (Start: start, From: start.InZone(Zone(patientZone)).LocalDateTime, To: (start + Duration.FromHours(1)).InZone(Zone(patientZone)).LocalDateTime))
            .Where(h => h.To.Date == h.From.Date || h.To.TimeOfDay == LocalTime.Midnight)
            .ToList();
        var outside = hours.Where(h => !Horizon.Contains(h.From.Date)).Select(h => h.Start).ToList();
        return outside.Count > 0
            ? (outside[0], true)
            : (hours.Where(h => h.From.Date != date).Select(h => h.Start).DefaultIfEmpty(hours[0].Start).First(), false);
    }

    private static Problem OnlyHour(string facilityZone, string patientZone, Instant start)
    {
        var from = start.InZone(Zone(patientZone)).LocalDateTime;
        var to = (start + Duration.FromHours(1)).InZone(Zone(patientZone)).LocalDateTime;
        var patient = new Patient("p", Zone(patientZone), [new WeeklyHours([from.DayOfWeek], from.TimeOfDay, to.TimeOfDay)], []);
        return new Problem(Horizon,
            [Facility("f", facilityZone)], [], [Provider("dr", "gp", "f", Week("00:00", "24:00"))],
            [patient], [Type("tele", 60, "gp")], [Request("r", "p", "tele", priority: 3)], []);
    }

    [Theory]
    [MemberData(nameof(Edges))]
    public void Solve_PatientHoursOnlyOnAnEdgeDate_BooksThem(string facilityZone, string patientZone, bool lastDate)
    {
        var (start, _) = EdgeHour(facilityZone, patientZone, lastDate);
        var problem = OnlyHour(facilityZone, patientZone, start);

        var schedule = SolveVerified(problem, Quick(2));

        Assert.Equal(start, Booked(schedule, "r").Start.ToInstant());
        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
        Assert.Equal(3, schedule.Objective.UpperBound);
    }

    [Fact]
    public void Edges_EveryPatientZone_HasHoursOutsideTheHorizonDates()
    {
        // East of every facility, a patient's hours on the last date fall on the next patient date; west of one, the
        // first date's fall on the previous patient date. Each zone must be tested where the hours used to be lost.
        foreach (var patient in PatientZones)
        {
            Assert.Contains(FacilityZones.SelectMany(f => new[] { false, true }.Select(last => EdgeHour(f, patient, last))), h => h.OutsideHorizonDates);
        }
    }

    [Fact]
    public void Solve_AucklandSaturdayOnTheLastNewYorkFriday_BooksIt()
    {
        // The case: Saturday 09:00-11:00 in Auckland (UTC+13) is Friday 15:00-17:00 in New York.
        var problem = Problem("2026-12-07", "2026-12-11",
            [Facility("nyc", "America/New_York", Week("09:00", "17:00", IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday))],
            [], [Provider("dr", "gp", "nyc", Week("09:00", "17:00"))],
            [new Patient("p", Zone("Pacific/Auckland"), [Week("09:00", "11:00", IsoDayOfWeek.Saturday)], [])],
            [Type("tele", 120, "gp")], [Request("r", "p", "tele")]);

        var schedule = SolveVerified(problem, Quick(2));

        Assert.Equal("2026-12-11T15:00:00-05:00", Format(Booked(schedule, "r").Start));
    }

    [Fact]
    public void Solve_AucklandFallsBackAfterThePhoenixHorizon_UsesTheNewOffset()
    {
        // Auckland leaves daylight time at 03:00 on Sunday 2026-04-05 (UTC+13 to UTC+12). Sunday 05:00-07:00 there is
        // Saturday 10:00-12:00 in Phoenix (UTC-7, no DST), the horizon's last date; read at UTC+13 it would start at 09:00.
        var problem = Problem("2026-03-31", "2026-04-04",
            [Facility("phx", "America/Phoenix", Week("10:00", "18:00"))], [], [Provider("dr", "gp", "phx", Week("00:00", "24:00"))],
            [new Patient("p", Zone("Pacific/Auckland"), [Week("05:00", "07:00", IsoDayOfWeek.Sunday)], [])],
            [Type("tele", 120, "gp")], [Request("r", "p", "tele")]);

        var schedule = SolveVerified(problem, Quick(2));

        Assert.Equal("2026-04-04T10:00:00-07:00", Format(Booked(schedule, "r").Start));
    }

    [Fact]
    public void Solve_AucklandSpringsForwardAfterTheSingaporeHorizon_ShiftsASkippedStartByTheGap()
    {
        // Auckland skips 02:00-03:00 on Sunday 2026-09-27. The patient's Sunday 02:30-04:30 becomes 03:30-04:30 NZDT,
        // 14:30-15:30 UTC: Saturday 22:30-23:30 in Singapore (UTC+8), the horizon's last date, exactly an hour.
        var problem = Problem("2026-09-21", "2026-09-26",
            [Facility("sg", "Asia/Singapore")], [], [Provider("dr", "gp", "sg", Week("00:00", "24:00"))],
            [new Patient("p", Zone("Pacific/Auckland"), [Week("02:30", "04:30", IsoDayOfWeek.Sunday)], [])],
            [Type("tele", 60, "gp"), Type("long", 61, "gp")], [Request("r", "p", "tele"), Request("too-long", "p", "long")]);

        var schedule = SolveVerified(problem, Quick(2));

        Assert.Equal("2026-09-26T22:30:00+08:00", Format(Booked(schedule, "r").Start));
        Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, NotBooked(schedule, "too-long").Reason);
    }

    [Fact]
    public void Solve_PagoPagoSundayBeforeTheAucklandHorizon_BooksItOnTheFirstDate()
    {
        // Pago Pago (UTC-11) Sunday 14:00-15:00 is Monday 14:00-15:00 in Auckland (UTC+13), the horizon's first date.
        var problem = Problem("2026-12-07", "2026-12-11",
            [Facility("akl", "Pacific/Auckland", Week("08:00", "18:00"))], [Room("room", "akl", "exam")], [],
            [new Patient("p", Zone("Pacific/Pago_Pago"), [Week("14:00", "15:00", IsoDayOfWeek.Sunday)], [])],
            [Type("visit", 60, null, ["exam"])], [Request("r", "p", "visit")]);

        var schedule = SolveVerified(problem, Quick(2));

        Assert.Equal("2026-12-07T14:00:00+13:00", Format(Booked(schedule, "r").Start));
    }
}
