using System.IO.Compression;
using System.Xml.Linq;

namespace ActorTrainer.Packaging.Tests;

/// <summary>What nuget.org and IDEs show for each package: description, tags, licence, readme, repository, API docs.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageMetadataTests(PackageFeed feed)
{
    [Fact]
    public void Every_package_has_a_description_tags_an_MIT_licence_a_readme_its_commit_and_API_docs()
    {
        var fromGit = Directory.Exists(Path.Combine(PackageFeed.RepositoryRoot, ".git")) || File.Exists(Path.Combine(PackageFeed.RepositoryRoot, ".git"));
        foreach (var id in PackageFeed.LibraryIds.Append(PackageFeed.ToolId))
        {
            using var package = ZipFile.OpenRead(feed.PackagePath(id));
            var nuspecEntry = package.Entries.Single(e => e.FullName == $"{id}.nuspec");
            using var stream = nuspecEntry.Open();
            var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            XElement? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

            Assert.Equal(feed.Version, Value("version"));
            var description = Value("description");
            Assert.False(string.IsNullOrWhiteSpace(description) || description == "Package Description", $"{id} has no description of its own");
            Assert.Contains("reinforcement-learning", Value("tags")!.Split(' '));
            Assert.Equal("expression", Element("license")?.Attribute("type")?.Value);
            Assert.Equal("MIT", Value("license"));

            var readme = Value("readme");
            Assert.Equal("README.md", readme);
            Assert.Contains(package.Entries, e => e.FullName == readme);

            var repository = Element("repository");
            Assert.NotNull(repository);
            Assert.Equal("git", repository.Attribute("type")?.Value);
            if (fromGit)
                Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");

            if (id != PackageFeed.ToolId)
                Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.xml"); // IntelliSense for callers

            // The actor runtime is not published: no package may depend on it (its assembly travels inside).
            Assert.DoesNotContain(metadata.Descendants().Where(e => e.Name.LocalName == "dependency"),
                d => d.Attribute("id")?.Value == "ActorTrainer.Actors");
        }
    }
}
