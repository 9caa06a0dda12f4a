using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;
using NodaTime;
using NodaTime.Text;
using Xunit;

namespace MedCoord.Scheduling.Tests;

/// <summary>Small helpers for writing problems in tests.</summary>
internal static class TestProblems
{
    public static readonly IsoDayOfWeek[] EveryDay =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday];

    public static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb[id];

    public static LocalDate Date(string text) => LocalDatePattern.Iso.Parse(text).Value;

    public static Instant At(string offsetDateTime) => OffsetDateTimePattern.ExtendedIso.Parse(offsetDateTime).Value.ToInstant();

    public static Interval Block(string from, string to) => new(At(from), At(to));

    public static LocalTime Time(string text) => text == "24:00" ? LocalTime.Midnight : LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text).Value;

    public static WeeklyHours Week(string from, string to, params IsoDayOfWeek[] days) =>
        new(days.Length == 0 ? EveryDay : days, Time(from), Time(to));

    public static Facility Facility(string id, string zone, params WeeklyHours[] hours) =>
        new(id, Zone(zone), hours.Length == 0 ? null : hours);

    public static Room Room(string id, string facility, params string[] features) => new(id, facility, features, []);

    public static Provider Provider(string id, string skill, string facility, params WeeklyHours[] hours) =>
        new(id, [skill], [.. hours.Select(h => new ProviderAvailability(facility, h))], []);

    public static Patient Patient(string id) => new(id, null, null, []);

    public static AppointmentType Type(string id, int minutes, string? skill, string[]? features = null, int buffer = 0) =>
        new(id, minutes, skill, features ?? [], buffer);

    public static AppointmentRequest Request(string id, string patient, string type, string? earliest = null, string? latest = null, int priority = 1) =>
        new(id, patient, type, earliest is null ? null : Date(earliest), latest is null ? null : Date(latest), priority);

    public static Problem Problem(
        string start,
        string end,
        IEnumerable<Facility> facilities,
        IEnumerable<Room> rooms,
        IEnumerable<Provider> providers,
        IEnumerable<Patient> patients,
        IEnumerable<AppointmentType> types,
        IEnumerable<AppointmentRequest> requests,
        IEnumerable<FixedBooking>? fixedBookings = null) =>
        new(new DateInterval(Date(start), Date(end)), [.. facilities], [.. rooms], [.. providers], [.. patients], [.. types], [.. requests], [.. fixedBookings ?? []]);

    public static SolveOptions Quick(int seconds = 10) => new(Duration.FromSeconds(seconds), 2, 0);

    /// <summary>The settings a solve of <see cref="Quick"/> options runs with, for tests of one solving step.</summary>
    public static SolveSettings QuickSettings(int seconds = 5) => new AppointmentScheduler().Resolve(Quick(seconds), null);

    /// <summary>
    /// Solves and asserts the schedule obeys every hard rule, and that the model and the library's own check agree: no
    /// solution CP-SAT found was dropped (a rule missing from the model would show here, as the check would catch it).
    /// </summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">The options; <see cref="Quick"/> by default.</param>
    /// <param name="scheduler">The scheduler; a default one by default.</param>
    /// <param name="cancelledBefore">Whether the solve is cancelled before it starts.</param>
    public static Schedule SolveVerified(Problem problem, SolveOptions? options = null, AppointmentScheduler? scheduler = null, bool cancelledBefore = false)
    {
        using var cancellation = new CancellationTokenSource();
        if (cancelledBefore)
        {
            cancellation.Cancel();
        }

        var schedule = (scheduler ?? new AppointmentScheduler()).Solve(problem, options ?? Quick(), cancellationToken: cancellation.Token);
        var violations = ScheduleVerifier.Violations(problem, schedule);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        Assert.Equal(0, schedule.Stats.DroppedSolutions);
        return schedule;
    }

    public static Assignment Booked(Schedule schedule, string request) =>
        schedule.Assignments.SingleOrDefault(a => a.RequestId == request)
        ?? throw new Xunit.Sdk.XunitException($"{request} is not booked: {schedule.Unscheduled.FirstOrDefault(u => u.RequestId == request)}");

    public static UnscheduledRequest NotBooked(Schedule schedule, string request) =>
        schedule.Unscheduled.SingleOrDefault(u => u.RequestId == request)
        ?? throw new Xunit.Sdk.XunitException($"{request} is booked");

    public static string Format(OffsetDateTime value) => ScheduleFile.FormatDateTime(value);

    public static string TestData(string relative) => Path.Combine(AppContext.BaseDirectory, "TestData", relative);

    public static Problem Example() => ProblemFile.Parse(File.ReadAllText(TestData("clinic-small.json")));

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Reports on the solver's thread, unlike <see cref="Progress{T}"/>.</summary>
internal sealed class SynchronousProgress(Action<SolveProgress> report) : IProgress<SolveProgress>
{
    public void Report(SolveProgress value) => report(value);
}

/// <summary>Keeps every report, made on any thread, in order.</summary>
internal sealed class ProgressLog : IProgress<SolveProgress>
{
    private readonly List<SolveProgress> _reports = [];

    /// <summary>Gets the reports so far.</summary>
    public IReadOnlyList<SolveProgress> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(SolveProgress value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
