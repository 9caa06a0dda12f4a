using Google.OrTools.Sat;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Time;
using NodaTime;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// The soft rules clinics ask for, each weighted into the second objective level next to waiting: continuity (the
/// patient's previous provider), a per-day cap on each provider's appointments, and a balanced load across the
/// providers of a skill. The same definitions give the CP-SAT terms and the costs of a finished schedule.
/// </summary>
internal sealed class SoftRules
{
    private readonly Calendar _calendar;
    private readonly Dictionary<string, List<string>> _providersBySkill;

    private SoftRules(Calendar calendar, SoftRuleWeights weights)
    {
        _calendar = calendar;
        Weights = weights;
        _providersBySkill = calendar.Problem.Providers
            .Where(p => p.Availability.Count > 0)
            .SelectMany(p => p.Skills.Distinct(StringComparer.Ordinal).Select(skill => (Skill: skill, Provider: p.Id)))
            .GroupBy(x => x.Skill, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Provider).ToList(), StringComparer.Ordinal);
    }

    public SoftRuleWeights Weights { get; }

    /// <summary>The rules of a solve, or null when no rule is weighted.</summary>
    public static SoftRules? From(Calendar calendar, SoftRuleWeights? weights) => weights is { Any: true } ? new SoftRules(calendar, weights) : null;

    /// <summary>A provider's cap on appointments per local day, or null for none.</summary>
    public int? CapOf(string providerId) => _calendar.Providers[providerId].DailyCap ?? Weights.DefaultDailyCap;

    /// <summary>The provider continuity asks for: the patient's previous provider, where the request books a provider and that one has the skill.</summary>
    public string? ContinuityProvider(AppointmentRequest request)
    {
        var type = _calendar.TypeOf(request);
        return Weights.Continuity > 0 && type.BooksProvider
            && _calendar.Patients[request.PatientId].PreviousProviderId is { } previous
            && _calendar.HasSkill(_calendar.Providers[previous], type)
                ? previous
                : null;
    }

    /// <summary>The skill a request's appointment loads a provider with, where balance counts.</summary>
    private string? BalancedSkill(AppointmentRequest request) =>
        Weights.Balance > 0 && _calendar.TypeOf(request).ProviderSkill is { } skill ? skill : null;

    /// <summary>The local date of a placement's start at its facility.</summary>
    private static LocalDate DateOf(Placement p) => p.Facility.Days.First(d => d.From <= p.Start && p.Start < d.To).Date;

    /// <summary>The weighted costs of a set of booked requests (a whole schedule).</summary>
    public SoftRuleCosts Costs(IReadOnlyDictionary<string, Placement> placements)
    {
        long continuity = 0;
        var perDay = new Dictionary<(string Provider, LocalDate Date), int>();
        var loads = new Dictionary<(string Skill, string Provider), int>();
        foreach (var (id, p) in placements)
        {
            var request = _calendar.Requests[id];
            if (ContinuityProvider(request) is { } previous && p.Provider?.ProviderId != previous)
            {
                continuity++;
            }

            if (p.Provider is { } provider)
            {
                var day = (provider.ProviderId, DateOf(p));
                perDay[day] = perDay.GetValueOrDefault(day) + 1;
                if (BalancedSkill(request) is { } skill)
                {
                    loads[(skill, provider.ProviderId)] = loads.GetValueOrDefault((skill, provider.ProviderId)) + 1;
                }
            }
        }

        var over = Weights.DailyCap == 0 ? 0 : perDay.Sum(d => CapOf(d.Key.Provider) is { } cap ? Math.Max(0, d.Value - cap) : 0);
        var spread = loads.Keys.Select(k => k.Skill).Distinct(StringComparer.Ordinal)
            .Sum(skill => (long)_providersBySkill[skill].Max(p => loads.GetValueOrDefault((skill, p))) - _providersBySkill[skill].Min(p => loads.GetValueOrDefault((skill, p))));
        return new SoftRuleCosts(continuity * Weights.Continuity, over * Weights.DailyCap, spread * Weights.Balance);
    }

    /// <summary>
    /// The weighted soft-rule terms of a model, counting the bookings <paramref name="held"/> around it (placements of
    /// requests not in the model).
    /// </summary>
    public LinearExpr Terms(CpModel model, IReadOnlyCollection<RequestVars> requests, IEnumerable<KeyValuePair<string, Placement>> held)
    {
        var terms = new List<LinearExpr>();
        var heldList = held.ToList();
        foreach (var v in requests)
        {
            if (ContinuityProvider(v.Candidates.Request) is { } previous)
            {
                terms.Add(Weights.Continuity * (v.Scheduled - LinearExpr.Sum(v.Providers.Where(p => p.Option.ProviderId == previous).Select(p => (LinearExpr)p.Chosen))));
            }
        }

        if (Weights.DailyCap > 0)
        {
            terms.AddRange(DailyCapTerms(model, requests, heldList));
        }

        if (Weights.Balance > 0)
        {
            terms.AddRange(BalanceTerms(model, requests, heldList));
        }

        return LinearExpr.Sum(terms);
    }

    /// <summary>Per provider and local day with a cap: the appointments above it (held ones included), weighted.</summary>
    private IEnumerable<LinearExpr> DailyCapTerms(CpModel model, IReadOnlyCollection<RequestVars> requests, List<KeyValuePair<string, Placement>> held)
    {
        var counted = new Dictionary<(string Provider, LocalDate Date), List<LinearExpr>>();
        foreach (var v in requests)
        {
            foreach (var (facility, option, chosen) in v.Providers.Where(p => CapOf(p.Option.ProviderId) is not null))
            {
                var days = facility.Days.Where(d => option.Starts.Overlaps(d.From, d.To)).ToList();
                if (days.Count == 1)
                {
                    Add(counted, (option.ProviderId, days[0].Date), chosen);
                    continue;
                }

                // One literal per day the provider could take it on: exactly one of them when the provider is chosen.
                var onDay = new List<BoolVar>();
                foreach (var day in days)
                {
                    var literal = model.NewBoolVar($"provider-day[{v.Candidates.Request.Id},{option.ProviderId},{day.Date:uuuu-MM-dd}]");
                    model.AddLinearConstraint(v.Start, day.From, day.To - 1).OnlyEnforceIf(literal);
                    onDay.Add(literal);
                    Add(counted, (option.ProviderId, day.Date), literal);
                }

                model.Add(LinearExpr.Sum(onDay.Select(l => (LinearExpr)l)) == chosen);
            }
        }

        var heldCounts = held.Where(h => h.Value.Provider is not null)
            .GroupBy(h => (h.Value.Provider!.ProviderId, DateOf(h.Value)))
            .ToDictionary(g => g.Key, g => g.Count());
        foreach (var ((provider, date), literals) in counted)
        {
            var cap = CapOf(provider)!.Value;
            var already = heldCounts.GetValueOrDefault((provider, date));
            if (already + literals.Count <= cap)
            {
                continue;
            }

            var over = model.NewIntVar(0, already + literals.Count, $"over-cap[{provider},{date:uuuu-MM-dd}]");
            model.Add(over >= LinearExpr.Sum(literals) + (already - cap));
            yield return Weights.DailyCap * over;
        }
    }

    /// <summary>Per skill: the busiest provider's load minus the least busy one's (held appointments included), weighted.</summary>
    private IEnumerable<LinearExpr> BalanceTerms(CpModel model, IReadOnlyCollection<RequestVars> requests, List<KeyValuePair<string, Placement>> held)
    {
        var variable = new Dictionary<(string Skill, string Provider), List<LinearExpr>>();
        foreach (var v in requests)
        {
            if (BalancedSkill(v.Candidates.Request) is { } skill)
            {
                foreach (var (_, option, chosen) in v.Providers)
                {
                    Add(variable, (skill, option.ProviderId), chosen);
                }
            }
        }

        var fixedLoads = held.Where(h => h.Value.Provider is not null && BalancedSkill(_calendar.Requests[h.Key]) is not null)
            .GroupBy(h => (BalancedSkill(_calendar.Requests[h.Key])!, h.Value.Provider!.ProviderId))
            .ToDictionary(g => g.Key, g => g.Count());
        foreach (var skill in variable.Keys.Select(k => k.Skill).Distinct(StringComparer.Ordinal))
        {
            var providers = _providersBySkill[skill];
            var most = model.NewIntVar(0, requests.Count + held.Count, $"most-load[{skill}]");
            var least = model.NewIntVar(0, requests.Count + held.Count, $"least-load[{skill}]");
            foreach (var provider in providers)
            {
                var load = LinearExpr.Sum(variable.GetValueOrDefault((skill, provider)) ?? []) + fixedLoads.GetValueOrDefault((skill, provider));
                model.Add(most >= load);
                model.Add(least <= load);
            }

            yield return Weights.Balance * (most - least);
        }
    }

    /// <summary>A running count of a book's appointments per provider-day and per skill-provider load, to price one more.</summary>
    public Tally NewTally() => new(this);

    /// <summary>Counts of a book, kept as appointments are added and removed, and what one more would cost.</summary>
    internal sealed class Tally(SoftRules rules)
    {
        private readonly Dictionary<(string Provider, LocalDate Date), int> _perDay = [];
        private readonly Dictionary<(string Skill, string Provider), int> _loads = [];

        public void Add(AppointmentRequest request, string? providerId, LocalDate date) => Change(request, providerId, date, 1);

        public void Remove(AppointmentRequest request, string? providerId, LocalDate date) => Change(request, providerId, date, -1);

        private void Change(AppointmentRequest request, string? providerId, LocalDate date, int by)
        {
            if (providerId is null)
            {
                return;
            }

            _perDay[(providerId, date)] = _perDay.GetValueOrDefault((providerId, date)) + by;
            if (rules.BalancedSkill(request) is { } skill)
            {
                _loads[(skill, providerId)] = _loads.GetValueOrDefault((skill, providerId)) + by;
            }
        }

        /// <summary>The weighted soft-rule cost that booking the request with the provider on the local date adds.</summary>
        public long Cost(AppointmentRequest request, string? providerId, LocalDate date)
        {
            var w = rules.Weights;
            long cost = 0;
            if (rules.ContinuityProvider(request) is { } previous && providerId != previous)
            {
                cost += w.Continuity;
            }

            if (providerId is null)
            {
                return cost;
            }

            if (w.DailyCap > 0 && rules.CapOf(providerId) is { } cap && _perDay.GetValueOrDefault((providerId, date)) >= cap)
            {
                cost += w.DailyCap;
            }

            if (rules.BalancedSkill(request) is { } skill)
            {
                var providers = rules._providersBySkill[skill];
                int Load(string p) => _loads.GetValueOrDefault((skill, p)) + (p == providerId ? 1 : 0);
                int Before(string p) => _loads.GetValueOrDefault((skill, p));
                cost += w.Balance * ((providers.Max(Load) - providers.Min(Load)) - (providers.Max(Before) - providers.Min(Before)));
            }

            return cost;
        }
    }

    private static void Add<TKey>(Dictionary<TKey, List<LinearExpr>> map, TKey key, LinearExpr term)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(term);
    }
}
