using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using NodaTime;

namespace MedCoord.Scheduling.Verification;

/// <summary>
/// The soft rules' costs of a schedule, computed from the format's definitions alone (shares no code with the solver):
/// continuity per appointment away from the patient's previous provider (when that provider has the skill), appointments
/// above each provider's cap per local day at the appointment's facility, and per skill the busiest minus the least busy
/// provider's count among providers with the skill and some availability.
/// </summary>
public static class SoftRuleChecker
{
    public static SoftRuleCosts Costs(Problem problem, Schedule schedule, SoftRuleWeights weights)
    {
        var requests = problem.Requests.ToDictionary(r => r.Id);
        var types = problem.AppointmentTypes.ToDictionary(t => t.Id);
        var providers = problem.Providers.ToDictionary(p => p.Id);
        var patients = problem.Patients.ToDictionary(p => p.Id);
        var facilities = problem.Facilities.ToDictionary(f => f.Id);

        long continuity = 0;
        foreach (var a in schedule.Assignments)
        {
            var type = types[requests[a.RequestId].TypeId];
            if (type.ProviderSkill is { } skill && patients[a.PatientId].PreviousProviderId is { } previous
                && providers[previous].Skills.Contains(skill) && a.ProviderId != previous)
            {
                continuity++;
            }
        }

        long over = 0;
        foreach (var day in schedule.Assignments.Where(a => a.ProviderId is not null)
                     .GroupBy(a => (a.ProviderId!, a.Start.ToInstant().InZone(facilities[a.FacilityId].Zone).Date)))
        {
            if ((providers[day.Key.Item1].DailyCap ?? weights.DefaultDailyCap) is { } cap)
            {
                over += Math.Max(0, day.Count() - cap);
            }
        }

        long spread = 0;
        var booked = schedule.Assignments.Where(a => a.ProviderId is not null).ToList();
        foreach (var skill in booked.Select(a => types[requests[a.RequestId].TypeId].ProviderSkill).OfType<string>().Distinct())
        {
            var loads = problem.Providers.Where(p => p.Skills.Contains(skill) && p.Availability.Count > 0)
                .Select(p => booked.Count(a => a.ProviderId == p.Id && types[requests[a.RequestId].TypeId].ProviderSkill == skill))
                .ToList();
            spread += loads.Max() - loads.Min();
        }

        return new SoftRuleCosts(
            weights.Continuity * continuity,
            weights.DailyCap * over,
            weights.Balance * spread);
    }
}
