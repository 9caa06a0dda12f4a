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
}
