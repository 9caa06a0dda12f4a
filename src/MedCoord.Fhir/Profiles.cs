using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>
/// The StructureDefinitions of every extension MedCoord writes (docs/fhir.md lists them), so that a validator that
/// loads them checks each extension's content (its context, value type and parts) instead of accepting it as unknown.
/// Each is given as a differential on the base Extension; a validator or server builds the snapshot. Thread safe.
/// </summary>
public static class MedCoordProfiles
{
    /// <summary>The canonical base of MedCoord's extensions.</summary>
    public const string Base = "https://medcoord.dev/fhir/StructureDefinition/";

    private sealed record Part(string Name, string[] Types, int Min = 0, string Max = "1", Part[]? Parts = null);

    private sealed record Definition(string Id, string Title, string[] Contexts, string[]? Types = null, Part[]? Parts = null);

    private static readonly Part[] SoftRules =
    [
        new("continuityWeight", ["integer"]), new("dailyCapWeight", ["integer"]), new("dailyCap", ["integer"]), new("balanceWeight", ["integer"]),
    ];

    private static readonly Definition[] Definitions =
    [
        new("horizon", "The dates a scheduling problem covers", ["Basic"], ["Period"]),
        new("solve-options", "How a scheduling problem is to be solved", ["Basic"], Parts:
        [
            new("timeLimitSeconds", ["decimal"]), new("workers", ["integer"]), new("seed", ["integer"]), new("conservative", ["boolean"]),
            new("softRules", [], Parts: SoftRules),
        ]),
        new("series", "A course of visits booked all or none", ["Basic"], Parts:
        [
            new("id", ["string"], 1), new("request", ["Reference"], 2, "*"), new("intervalDays", ["integer"], 1), new("toleranceMinutes", ["integer"]),
            new("sameProvider", ["boolean"]),
        ]),
        new("schedule-result", "What the solve said of the schedule exported with a problem", ["Basic"], Parts:
        [
            new("status", ["code"], 1), new("scheduledPriority", ["decimal"]), new("upperBound", ["decimal"]), new("waitingCost", ["decimal"]),
            new("softRuleCost", ["decimal"]), new("wallSeconds", ["decimal"]), new("workers", ["integer"]), new("seed", ["integer"]), new("droppedSolutions", ["integer"]),
        ]),
        new("capacity", "How many appointments a room holds at once", ["Location"], ["positiveInt"]),
        new("pool-count", "How many units of a kind of equipment a facility has", ["Device"], ["positiveInt"]),
        new("daily-cap", "How many appointments a provider should see in a day", ["Practitioner"], ["positiveInt"]),
        new("available-time", "When a patient can come, week by week", ["Patient"], Parts:
        [
            new("daysOfWeek", ["code"], 0, "*"), new("availableStartTime", ["time"]), new("availableEndTime", ["time"]), new("allDay", ["boolean"]),
        ]),
        new("duration", "How long an appointment of the type or request takes", ["HealthcareService", "ServiceRequest"], ["Duration"]),
        new("buffer", "Turnover time a room needs after an appointment", ["HealthcareService"], ["Duration"]),
        new("characteristic", "A room feature an appointment type needs", ["ActivityDefinition"], ["CodeableConcept"]),
        new("priority-weight", "A request's scheduling priority, 1 to 100", ["ServiceRequest"], ["positiveInt"]),
        new("follows", "A request booked after another, within gaps", ["ServiceRequest"], Parts:
        [
            new("request", ["Reference"], 1), new("minGapMinutes", ["integer"]), new("maxGapMinutes", ["integer"]),
        ]),
        new("solver-assignment", "Marks an Appointment the solver placed (not a fixed booking)", ["Appointment"], ["boolean"]),
        new("no-show-reason", "Why a visit is a no-show (R4's invariant app-4 refuses cancelationReason on one)", ["Appointment"], ["CodeableConcept"]),
        new("unscheduled", "Why a request is not booked", ["Appointment"], Parts: [new("reason", ["code"], 1), new("message", ["string"])]),
        new("care-activity", "What a care plan's activity is that CarePlan.activity has no element for", ["CarePlan.activity"], Parts:
        [
            new("id", ["string"], 1), new("priority", ["positiveInt"]), new("toleranceDays", ["unsignedInt"]),
            new("follows", [], 0, "*", [new("activity", ["string"], 1), new("minGapMinutes", ["unsignedInt"]), new("maxGapMinutes", ["unsignedInt"])]),
        ]),
    ];

    /// <summary>Gets the canonical URL of every extension defined here.</summary>
    public static IReadOnlyList<string> Urls { get; } = [.. Definitions.Select(d => Base + d.Id)];

    /// <summary>The StructureDefinitions (status active, differential only), one per extension.</summary>
    /// <returns>New instances each call (they are mutable).</returns>
    public static IReadOnlyList<R4.StructureDefinition> Extensions() => [.. Definitions.Select(Build)];

    private static R4.StructureDefinition Build(Definition d)
    {
        var elements = new List<R4.ElementDefinition>
        {
            new("Extension") { ElementId = "Extension", Short = d.Title, Definition = d.Title + "." },
        };
        AddBody(elements, "Extension", "Extension", Base + d.Id, d.Types, d.Parts);
        return new R4.StructureDefinition
        {
            Id = d.Id,
            Url = Base + d.Id,
            Version = "1",
            Name = string.Concat(d.Id.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..])),
            Title = d.Title,
            Status = R4.PublicationStatus.Active,
            Publisher = "MedCoord",
            Description = new R4.Markdown(d.Title + "."),
            FhirVersion = R4.FHIRVersion.N4_0_1,
            Kind = R4.StructureDefinition.StructureDefinitionKind.ComplexType,
            Abstract = false,
            Context = [.. d.Contexts.Select(c => new R4.StructureDefinition.ContextComponent { Type = R4.StructureDefinition.ExtensionContextType.Element, Expression = c })],
            Type = "Extension",
            BaseDefinition = "http://hl7.org/fhir/StructureDefinition/Extension",
            Derivation = R4.StructureDefinition.TypeDerivationRule.Constraint,
            Differential = new R4.StructureDefinition.DifferentialComponent { Element = elements },
        };
    }

    /// <summary>The elements under one extension (or sub-extension): its parts as slices of extension, its url fixed, its value typed or absent.</summary>
    private static void AddBody(List<R4.ElementDefinition> elements, string id, string path, string url, string[]? types, Part[]? parts)
    {
        if (parts is { Length: > 0 })
        {
            elements.Add(new R4.ElementDefinition(path + ".extension")
            {
                ElementId = id + ".extension",
                Slicing = new R4.ElementDefinition.SlicingComponent
                {
                    Discriminator = [new R4.ElementDefinition.DiscriminatorComponent { Type = R4.ElementDefinition.DiscriminatorType.Value, Path = "url" }],
                    Rules = R4.ElementDefinition.SlicingRules.Open,
                },
            });
            foreach (var part in parts)
            {
                var sliceId = $"{id}.extension:{part.Name}";
                elements.Add(new R4.ElementDefinition(path + ".extension")
                {
                    ElementId = sliceId,
                    SliceName = part.Name,
                    Min = part.Min,
                    Max = part.Max,
                    Short = part.Name,
                    Type = [new R4.ElementDefinition.TypeRefComponent { Code = "Extension" }],
                });
                AddBody(elements, sliceId, path + ".extension", part.Name, part.Types.Length > 0 ? part.Types : null, part.Parts);
            }
        }
        else
        {
            elements.Add(new R4.ElementDefinition(path + ".extension") { ElementId = id + ".extension", Max = "0" });
        }

        elements.Add(new R4.ElementDefinition(path + ".url") { ElementId = id + ".url", Fixed = new R4.FhirUri(url) });
        elements.Add(types is { Length: > 0 }
            ? new R4.ElementDefinition(path + ".value[x]")
            {
                ElementId = id + ".value[x]",
                Min = 1,
                Type = [.. types.Select(t => new R4.ElementDefinition.TypeRefComponent { Code = t })],
            }
            : new R4.ElementDefinition(path + ".value[x]") { ElementId = id + ".value[x]", Max = "0" });
    }
}
