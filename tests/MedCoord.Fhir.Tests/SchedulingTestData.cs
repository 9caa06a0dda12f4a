using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Serialization;

namespace MedCoord.Fhir.Tests;

/// <summary>The problems the mapping is tried on, and the canonical text two problems are compared by.</summary>
internal static class SchedulingTestData
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", name);

    public static Problem Sample(string name) => ProblemFile.Parse(File.ReadAllText(Path(name)));

    /// <summary>
    /// The problem file of a problem in a canonical order: each provider's availability grouped by facility, in the order
    /// the availability first names them (how PractitionerRoles carry it; the facility order, the only order with a
    /// meaning, is kept).
    /// </summary>
    public static string Canonical(Problem problem)
    {
        var providers = problem.Providers.Select(p =>
        {
            var order = p.Availability.Select(a => a.FacilityId).Distinct().ToList();
            return p with { Availability = [.. p.Availability.OrderBy(a => order.IndexOf(a.FacilityId))] };
        }).ToList();
        return ProblemFile.Serialize(problem with { Providers = providers });
    }
}
