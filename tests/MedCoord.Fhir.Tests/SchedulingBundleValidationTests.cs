using Hl7.Fhir.Model;
using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Verification;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>Every resource the export emits conforms to the base R4 profiles: the Bundle as a whole and each entry alone.</summary>
public sealed class SchedulingBundleValidationTests
{
    private static void AssertConforms(Bundle bundle)
    {
        var errors = FhirValidation.Errors(bundle).ToList();
        foreach (var entry in bundle.Entry)
        {
            errors.AddRange(FhirValidation.Errors(entry.Resource!).Select(e => $"{entry.Resource!.TypeName}/{entry.Resource.Id}: {e}"));
        }

        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    [Theory]
    [InlineData("clinic-small.json")]
    [InlineData("day-unit.json")]
    public void Export_ASample_Conforms(string sample)
    {
        var bundle = SchedulingBundle.Export(SchedulingTestData.Sample(sample));

        Assert.Contains(bundle.Entry, e => e.Resource is Location);
        AssertConforms(bundle);
    }

    [Theory]
    [InlineData("clinic-small.json")]
    [InlineData("day-unit.json")]
    public void Export_ASampleWithItsSchedule_Conforms(string sample)
    {
        var problem = SchedulingTestData.Sample(sample);
        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(NodaTime.Duration.FromSeconds(5), 1, 0));
        Assert.NotEmpty(schedule.Assignments);

        var bundle = SchedulingBundle.Export(problem, schedule);

        var booked = bundle.Entry.Select(e => e.Resource).OfType<Appointment>().Where(a => a.Status == Appointment.AppointmentStatus.Booked).ToList();
        Assert.Equal(schedule.Assignments.Count, booked.Count);
        Assert.Equal(schedule.Unscheduled.Count, bundle.Entry.Select(e => e.Resource).OfType<Appointment>().Count(a => a.Status == Appointment.AppointmentStatus.Waitlist));
        Assert.Contains(bundle.Entry, e => e.Resource is Slot { Status: Slot.SlotStatus.Busy });
        AssertConforms(bundle);

        // A provider's free slots never overlap its busy ones.
        var slots = bundle.Entry.Select(e => e.Resource).OfType<Slot>().GroupBy(s => s.Schedule!.Reference).ToList();
        Assert.Contains(slots, g => g.Any(s => s.Status == Slot.SlotStatus.Free));
        foreach (var group in slots.Where(g => g.Key!.StartsWith("Schedule/provider-", StringComparison.Ordinal)))
        {
            var free = group.Where(s => s.Status == Slot.SlotStatus.Free).ToList();
            var busy = group.Where(s => s.Status == Slot.SlotStatus.Busy).ToList();
            Assert.DoesNotContain(free, f => busy.Any(b => f.Start < b.End && b.Start < f.End));
        }
    }

    [Fact]
    public void Export_GeneratedProblemsOfEveryFeature_Conform()
    {
        // Links, series, shared rooms, pools, fixed bookings, far patient zones with 30- and 45-minute offsets.
        var problems = Enumerable.Range(0, 40).Select(i => FuzzProblems.Create(7, i, maxRequests: 40)).ToList();
        var chosen = new List<Problem>();
        foreach (var need in new Func<Problem, bool>[]
        {
            p => p.Requests.Any(r => r.After.Count > 0),
            p => p.Series.Count > 0,
            p => p.Rooms.Any(r => r.Capacity > 1),
            p => p.Equipment.Count > 0,
            p => p.Fixed.Count > 0,
            p => p.Patients.Any(x => x.Hours is not null && x.Zone!.Id is "Asia/Kathmandu" or "Pacific/Chatham" or "Australia/Lord_Howe"),
        })
        {
            chosen.Add(problems.First(need));
        }

        foreach (var problem in chosen.Distinct())
        {
            AssertConforms(SchedulingBundle.Export(problem));
        }
    }
}
