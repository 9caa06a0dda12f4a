#nullable disable
using Hl7.Fhir.Model;
using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Solving;
using Xunit;
using Duration = NodaTime.Duration;

namespace MedCoord.Fhir.Tests;

/// <summary>MedCoord's extension StructureDefinitions: valid, complete for what the package writes, and biting when loaded into the validator.</summary>
public sealed class ProfileTests
{
    [Fact]
    public void EveryDefinition_IsAValidStructureDefinition_WithASnapshot()
    {
        var profiles = FhirValidation.ProfilesWithSnapshots();

        Assert.Equal(MedCoordProfiles.Urls, profiles.Select(p => p.Url));
        Assert.All(profiles, p => Assert.True(p.Snapshot?.Element.Count > 3, p.Url));
        foreach (var profile in MedCoordProfiles.Extensions())
        {
            var errors = FhirValidation.Errors(profile);
            Assert.True(errors.Count == 0, $"{profile.Url}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void WhatThePackageWrites_UsesOnlyDefinedExtensions_AndConformsToThem()
    {
        var problem = SchedulingTestData.Sample("clinic-small.json");
        var schedule = new AppointmentScheduler().Solve(problem, new MedCoord.Scheduling.Model.SolveOptions(Duration.FromSeconds(5), 2, 0));
        var bundle = SchedulingBundle.Export(problem, schedule);
        var engine = EngineBundle.Export(EngineRecordsFixture.All(), EngineRecordsFixture.Trail());

        var used = new[] { bundle, engine }.SelectMany(b => b.Entry).SelectMany(e => FhirValidation.Descendants(e.Resource!)).OfType<Extension>()
            .Select(x => x.Url ?? string.Empty).Where(u => u.StartsWith("https://medcoord.dev/", StringComparison.Ordinal)).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, u => Assert.Contains(u, MedCoordProfiles.Urls));
        var errors = FhirValidation.ErrorsWithProfiles(bundle).Concat(FhirValidation.ErrorsWithProfiles(engine)).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void AnExtensionOfTheWrongShape_PassesTheBaseProfiles_ButNotMedCoords()
    {
        var location = new Location { Id = "room", Status = Location.LocationStatus.Active, Name = "room" };
        location.Extension.Add(new Extension(MedCoordProfiles.Base + "capacity", new FhirString("two")));
        var request = new ServiceRequest { Id = "r", Status = RequestStatus.Active, Intent = RequestIntent.Order, Subject = new ResourceReference("Patient/p") };
        var follows = new Extension { Url = MedCoordProfiles.Base + "follows" };
        follows.Extension.Add(new Extension("minGapMinutes", new FhirString("ten")));
        request.Extension.Add(follows);

        Assert.Empty(FhirValidation.Errors(location));
        Assert.Empty(FhirValidation.Errors(request));
        Assert.Contains(FhirValidation.ErrorsWithProfiles(location), e => e.Contains("Location.extension[0]", StringComparison.Ordinal));
        Assert.Contains(FhirValidation.ErrorsWithProfiles(request), e => e.Contains("ServiceRequest.extension[0]", StringComparison.Ordinal));
        Assert.Contains(FhirValidation.ErrorsWithProfiles(request), e => e.Contains("ServiceRequest.extension[0].extension[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryDefinition_IsAnActiveR4ExtensionConstraint_NamedAfterItsId()
    {
        foreach (var d in MedCoordProfiles.Extensions())
        {
            Assert.Equal(MedCoordProfiles.Base + d.Id, d.Url);
            Assert.Equal(d.Title + ".", d.Description);
            Assert.Equal(
                ("1", PublicationStatus.Active, "MedCoord", FHIRVersion.N4_0_1, StructureDefinition.StructureDefinitionKind.ComplexType, false, "Extension",
                    "http://hl7.org/fhir/StructureDefinition/Extension", StructureDefinition.TypeDerivationRule.Constraint),
                (d.Version, d.Status!.Value, d.Publisher, d.FhirVersion!.Value, d.Kind!.Value, d.Abstract!.Value, d.Type, d.BaseDefinition, d.Derivation!.Value));
            Assert.Equal(("Extension", d.Title, d.Title + "."), (d.Differential.Element[0].ElementId, d.Differential.Element[0].Short, d.Differential.Element[0].Definition));
            Assert.All(d.Context, c => Assert.Equal(StructureDefinition.ExtensionContextType.Element, c.Type));
        }

        Assert.Equal(
            ["Horizon", "SolveOptions", "Series", "ScheduleResult", "Capacity", "PoolCount", "DailyCap", "AvailableTime", "Duration", "Buffer", "Characteristic", "PriorityWeight",
                "Follows", "SolverAssignment", "NoShowReason", "Unscheduled", "CareActivity"],
            MedCoordProfiles.Extensions().Select(d => d.Name));
        Assert.Equal("A course of visits booked all or none", MedCoordProfiles.Extensions().Single(d => d.Id == "series").Title);
        Assert.Equal(
            ["horizon Basic", "solve-options Basic", "series Basic", "schedule-result Basic", "capacity Location", "pool-count Device", "daily-cap Practitioner", "available-time Patient",
                "duration HealthcareService,ServiceRequest", "buffer HealthcareService", "characteristic ActivityDefinition", "priority-weight ServiceRequest", "follows ServiceRequest",
                "solver-assignment Appointment", "no-show-reason Appointment", "unscheduled Appointment", "care-activity CarePlan.activity"],
            MedCoordProfiles.Extensions().Select(d => $"{d.Id} {string.Join(",", d.Context.Select(c => c.Expression))}"));
    }

    private static string Elements(string id) => string.Join("\n", MedCoordProfiles.Extensions().Single(d => d.Id == id).Differential.Element.Skip(1).Select(e =>
        $"{e.ElementId} {e.Path}{(e.SliceName is { } n ? $" slice={n}" : string.Empty)}{(e.Min is { } min ? $" min={min}" : string.Empty)}{(e.Max is { } max ? $" max={max}" : string.Empty)}"
        + $"{(e.Slicing is { } s ? $" sliced by {s.Discriminator.Single().Type} {s.Discriminator.Single().Path} {s.Rules}" : string.Empty)}"
        + $"{(e.Type.Count > 0 ? " " + string.Join("|", e.Type.Select(t => t.Code)) : string.Empty)}{(e.Fixed is FhirUri u ? $" = {u.Value}" : string.Empty)}"));

    [Fact]
    public void ASimpleExtension_HasNoParts_ItsUrlFixed_AndOneTypedValue() =>
        Assert.Equal(
            """
            Extension.extension Extension.extension max=0
            Extension.url Extension.url = https://medcoord.dev/fhir/StructureDefinition/capacity
            Extension.value[x] Extension.value[x] min=1 positiveInt
            """.ReplaceLineEndings("\n"),
            Elements("capacity"));

    [Fact]
    public void AnExtensionOfParts_SlicesItsExtensionsByUrl_EachPartWithItsCardinalityAndValue_AndHasNoValueItself() =>
        Assert.Equal(
            """
            Extension.extension Extension.extension sliced by Value url Open
            Extension.extension:id Extension.extension slice=id min=1 max=1 Extension
            Extension.extension:id.extension Extension.extension.extension max=0
            Extension.extension:id.url Extension.extension.url = id
            Extension.extension:id.value[x] Extension.extension.value[x] min=1 string
            Extension.extension:priority Extension.extension slice=priority min=0 max=1 Extension
            Extension.extension:priority.extension Extension.extension.extension max=0
            Extension.extension:priority.url Extension.extension.url = priority
            Extension.extension:priority.value[x] Extension.extension.value[x] min=1 positiveInt
            Extension.extension:toleranceDays Extension.extension slice=toleranceDays min=0 max=1 Extension
            Extension.extension:toleranceDays.extension Extension.extension.extension max=0
            Extension.extension:toleranceDays.url Extension.extension.url = toleranceDays
            Extension.extension:toleranceDays.value[x] Extension.extension.value[x] min=1 unsignedInt
            Extension.extension:follows Extension.extension slice=follows min=0 max=* Extension
            Extension.extension:follows.extension Extension.extension.extension sliced by Value url Open
            Extension.extension:follows.extension:activity Extension.extension.extension slice=activity min=1 max=1 Extension
            Extension.extension:follows.extension:activity.extension Extension.extension.extension.extension max=0
            Extension.extension:follows.extension:activity.url Extension.extension.extension.url = activity
            Extension.extension:follows.extension:activity.value[x] Extension.extension.extension.value[x] min=1 string
            Extension.extension:follows.extension:minGapMinutes Extension.extension.extension slice=minGapMinutes min=0 max=1 Extension
            Extension.extension:follows.extension:minGapMinutes.extension Extension.extension.extension.extension max=0
            Extension.extension:follows.extension:minGapMinutes.url Extension.extension.extension.url = minGapMinutes
            Extension.extension:follows.extension:minGapMinutes.value[x] Extension.extension.extension.value[x] min=1 unsignedInt
            Extension.extension:follows.extension:maxGapMinutes Extension.extension.extension slice=maxGapMinutes min=0 max=1 Extension
            Extension.extension:follows.extension:maxGapMinutes.extension Extension.extension.extension.extension max=0
            Extension.extension:follows.extension:maxGapMinutes.url Extension.extension.extension.url = maxGapMinutes
            Extension.extension:follows.extension:maxGapMinutes.value[x] Extension.extension.extension.value[x] min=1 unsignedInt
            Extension.extension:follows.url Extension.extension.url = follows
            Extension.extension:follows.value[x] Extension.extension.value[x] max=0
            Extension.url Extension.url = https://medcoord.dev/fhir/StructureDefinition/care-activity
            Extension.value[x] Extension.value[x] max=0
            """.ReplaceLineEndings("\n"),
            Elements("care-activity"));

    [Fact]
    public void EveryPart_OfEveryDefinition_HasTheCardinalityAndTypesDocumented()
    {
        string Parts(string id) => string.Join(" ", MedCoordProfiles.Extensions().Single(d => d.Id == id).Differential.Element
            .Where(e => e.SliceName is not null && e.ElementId.Count(c => c == ':') == 1)
            .Select(e => $"{e.SliceName}[{e.Min}..{e.Max}]:{string.Join("|", MedCoordProfiles.Extensions().Single(d => d.Id == id).Differential.Element.Where(v => v.ElementId == e.ElementId + ".value[x]").SelectMany(v => v.Type).Select(t => t.Code))}"));

        Assert.Equal("timeLimitSeconds[0..1]:decimal workers[0..1]:integer seed[0..1]:integer conservative[0..1]:boolean softRules[0..1]:", Parts("solve-options"));
        Assert.Equal("id[1..1]:string request[2..*]:Reference intervalDays[1..1]:integer toleranceMinutes[0..1]:integer sameProvider[0..1]:boolean", Parts("series"));
        Assert.Equal(
            "status[1..1]:code scheduledPriority[0..1]:decimal upperBound[0..1]:decimal waitingCost[0..1]:decimal softRuleCost[0..1]:decimal wallSeconds[0..1]:decimal workers[0..1]:integer seed[0..1]:integer droppedSolutions[0..1]:integer",
            Parts("schedule-result"));
        Assert.Equal("daysOfWeek[0..*]:code availableStartTime[0..1]:time availableEndTime[0..1]:time allDay[0..1]:boolean", Parts("available-time"));
        Assert.Equal("request[1..1]:Reference minGapMinutes[0..1]:integer maxGapMinutes[0..1]:integer", Parts("follows"));
        Assert.Equal("reason[1..1]:code message[0..1]:string", Parts("unscheduled"));
        Assert.Equal(
            ["horizon Period", "pool-count positiveInt", "daily-cap positiveInt", "duration Duration", "buffer Duration", "characteristic CodeableConcept", "priority-weight positiveInt",
                "solver-assignment boolean", "no-show-reason CodeableConcept"],
            new[] { "horizon", "pool-count", "daily-cap", "duration", "buffer", "characteristic", "priority-weight", "solver-assignment", "no-show-reason" }
                .Select(id => $"{id} {MedCoordProfiles.Extensions().Single(d => d.Id == id).Differential.Element.Single(e => e.ElementId == "Extension.value[x]").Type.Single().Code}"));
        Assert.Equal(
            "continuityWeight[0..1]:integer dailyCapWeight[0..1]:integer dailyCap[0..1]:integer balanceWeight[0..1]:integer",
            string.Join(" ", MedCoordProfiles.Extensions().Single(d => d.Id == "solve-options").Differential.Element
                .Where(e => e.SliceName is not null && e.ElementId.StartsWith("Extension.extension:softRules.extension:", StringComparison.Ordinal) && e.ElementId.Count(c => c == ':') == 2)
                .Select(e => $"{e.SliceName}[{e.Min}..{e.Max}]:{MedCoordProfiles.Extensions().Single(d => d.Id == "solve-options").Differential.Element.Single(v => v.ElementId == e.ElementId + ".value[x]").Type.Single().Code}")));
    }
}
