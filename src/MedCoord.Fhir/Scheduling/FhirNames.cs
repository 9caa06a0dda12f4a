using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using F = Hl7.Fhir.Model;

namespace MedCoord.Fhir.Scheduling;

/// <summary>The URLs, code systems and small conversions the scheduling mapping shares both ways (docs/fhir.md lists them).</summary>
internal static partial class FhirNames
{
    public const string Base = "https://medcoord.dev/fhir";
    public const string StructureDefinition = Base + "/StructureDefinition/";
    public const string CodeSystem = Base + "/CodeSystem/";

    /// <summary>The standard time zone extension (an IANA tzdb id as valueCode).</summary>
    public const string TimeZoneUrl = "http://hl7.org/fhir/StructureDefinition/timezone";

    public const string Horizon = StructureDefinition + "horizon";
    public const string Options = StructureDefinition + "solve-options";
    public const string Series = StructureDefinition + "series";
    public const string Capacity = StructureDefinition + "capacity";
    public const string PoolCount = StructureDefinition + "pool-count";
    public const string DailyCap = StructureDefinition + "daily-cap";
    public const string AvailableTime = StructureDefinition + "available-time";
    public const string Duration = StructureDefinition + "duration";
    public const string BufferUrl = StructureDefinition + "buffer";
    public const string Characteristic = StructureDefinition + "characteristic";
    public const string PriorityWeight = StructureDefinition + "priority-weight";
    public const string Follows = StructureDefinition + "follows";
    public const string SolverAssignment = StructureDefinition + "solver-assignment";
    public const string Unscheduled = StructureDefinition + "unscheduled";
    public const string ScheduleResultUrl = StructureDefinition + "schedule-result";

    public const string SkillSystem = CodeSystem + "skill";
    public const string RoomFeatureSystem = CodeSystem + "room-feature";
    public const string EquipmentKindSystem = CodeSystem + "equipment-kind";
    public const string AppointmentTypeSystem = CodeSystem + "appointment-type";
    public const string ResourceKindSystem = CodeSystem + "resource-kind";
    public const string ProblemCode = "scheduling-problem";
    public const string IdSystem = Base + "/id/";
    public const string PhysicalTypeSystem = "http://terminology.hl7.org/CodeSystem/location-physical-type";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>Whether a string is a FHIR resource id.</summary>
    public static bool IsFhirId(string id) => FhirId().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex FhirId();

    public static F.DaysOfWeek Day(IsoDayOfWeek day) => day switch
    {
        IsoDayOfWeek.Monday => F.DaysOfWeek.Mon,
        IsoDayOfWeek.Tuesday => F.DaysOfWeek.Tue,
        IsoDayOfWeek.Wednesday => F.DaysOfWeek.Wed,
        IsoDayOfWeek.Thursday => F.DaysOfWeek.Thu,
        IsoDayOfWeek.Friday => F.DaysOfWeek.Fri,
        IsoDayOfWeek.Saturday => F.DaysOfWeek.Sat,
        _ => F.DaysOfWeek.Sun,
    };

    public static IsoDayOfWeek Day(F.DaysOfWeek day) => day switch
    {
        F.DaysOfWeek.Mon => IsoDayOfWeek.Monday,
        F.DaysOfWeek.Tue => IsoDayOfWeek.Tuesday,
        F.DaysOfWeek.Wed => IsoDayOfWeek.Wednesday,
        F.DaysOfWeek.Thu => IsoDayOfWeek.Thursday,
        F.DaysOfWeek.Fri => IsoDayOfWeek.Friday,
        F.DaysOfWeek.Sat => IsoDayOfWeek.Saturday,
        _ => IsoDayOfWeek.Sunday,
    };

    /// <summary>A FHIR time (HH:MM:SS); 24:00, which FHIR cannot write, becomes 23:59:59 (read back as 24:00).</summary>
    public static string Time(LocalTime time, bool isEnd) =>
        isEnd && time == LocalTime.Midnight ? "23:59:59" : time.ToString("HH':'mm':'ss", CultureInfo.InvariantCulture);

    /// <summary>A date-time with the offset it has in <paramref name="zone"/>, to the second.</summary>
    public static DateTimeOffset DateTime(Instant instant, DateTimeZone zone)
    {
        var local = instant.InZone(zone);
        return local.ToDateTimeOffset();
    }

    public static string DateTimeText(Instant instant, DateTimeZone zone) =>
        new Hl7.Fhir.Model.FhirDateTime(DateTime(instant, zone)).Value!;

    public static string Date(LocalDate date) => date.ToString("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);

    public static F.Duration Minutes(int minutes) => new() { Value = minutes, Unit = "min", System = Ucum, Code = "min" };

    public static F.CodeableConcept Concept(string system, string code) => new(system, code);
}
