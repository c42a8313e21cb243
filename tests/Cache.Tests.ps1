#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Conditional requests (issue 20) against the fake GitHub server: a second inventory of unchanged
# repositories spends no more than the listing pages + 2 of the primary rate limit (read from the
# fake's GET /rate_limit, which is not charged, as GitHub's), in the same session and in a new
# pwsh with CachePath; a repository changed in between is read whole; two tokens never send each
# other's validators; a corrupt cache file is a warning, not a failure; the file is private.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub

    function Get-PrimaryRemaining([string] $Token = 'test-admin-token') {
        $answer = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/rate_limit" -Headers @{ Authorization = "Bearer $Token" }
        [long] $answer.resources.core.remaining
    }

    # One inventory in a new pwsh (a scheduled job's next run): its objects, summary, warnings and
    # the primary budget it spent, as JSON.
    $script:child = Join-Path $TestDrive 'inventory.ps1'
    Set-Content -LiteralPath $script:child -Value @'
param([string] $ModulePath, [string] $BaseUrl, [string] $CachePath, [string] $Owner, [string] $Token)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$headers = @{ Authorization = "Bearer $Token" }
$before = (Invoke-RestMethod -Uri "$BaseUrl/rate_limit" -Headers $headers).resources.core.remaining
$context = @{ HostName = 'github.com'; ApiBaseUri = $BaseUrl; IssuerUri = $BaseUrl; Token = $Token; CachePath = $CachePath }
$inventory = @{ Owner = $Owner; Context = $context; InformationVariable = 'info'; WarningVariable = 'warned'; WarningAction = 'SilentlyContinue' }
$states = @(Get-GitHubOidcRepository @inventory)
$after = (Invoke-RestMethod -Uri "$BaseUrl/rate_limit" -Headers $headers).resources.core.remaining
[pscustomobject]@{
    Spent    = $before - $after
    Count    = $states.Count
    States   = @($states | Sort-Object Repository | Select-Object Repository, Source, IncludeClaimKeys, Immutable)
    Summary  = ($info | Where-Object { $_.Tags -contains 'GitHubOidc.RunSummary' }).MessageData
    Warnings = @($warned | ForEach-Object { "$_" })
} | ConvertTo-Json -Depth 5 -Compress
'@
    function Invoke-ChildInventory([string] $CachePath, [string] $Owner, [string] $Token = 'test-admin-token') {
        $out = Invoke-Pwsh -NoProfile -NonInteractive -File $script:child -ModulePath (Get-TestModulePath) -BaseUrl $script:fake.BaseUrl `
            -CachePath $CachePath -Owner $Owner -Token $Token
        $LASTEXITCODE | Should -Be 0 -Because "$out"
        ($out | Select-Object -Last 1) | ConvertFrom-Json
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Conditional requests' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    It 'answers a second inventory in the same session from 304s, and reads a changed repository whole' {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'cache-org'; count = 250; seed = 31; own_template_every = 5; template = @('repo', 'context') }
        $context = $script:fake.Context()
        $before = Get-PrimaryRemaining
        # Written in completion order: compared by name.
        $first = @(Get-GitHubOidcRepository -Owner cache-org -Context $context -InformationVariable firstInfo | Sort-Object Repository)
        $spentFirst = $before - (Get-PrimaryRemaining)
        $first | Should -HaveCount 250
        $spentFirst | Should -Be 254 -Because 'the first run pays for 3 pages, the organization template and 250 repositories'
        $firstSummary = ($firstInfo | Where-Object { $_.Tags -contains 'GitHubOidc.RunSummary' }).MessageData
        $firstSummary.FromCache | Should -Be 0
        $firstSummary.Answers | Should -Be 254

        # One repository changes between the runs.
        $changed = $org.names[7]
        $body = @{ use_default = $false; include_claim_keys = @('repo', 'job_workflow_ref') } | ConvertTo-Json
        $null = Invoke-RestMethod -Method Put -Uri "$($script:fake.BaseUrl)/repos/cache-org/$changed/actions/oidc/customization/sub" `
            -Headers @{ Authorization = 'Bearer test-admin-token' } -Body $body -ContentType 'application/json'

        Clear-FakeRequests -Fake $script:fake
        $before = Get-PrimaryRemaining
        $verbose = Get-GitHubOidcRepository -Owner cache-org -Context $context -InformationVariable secondInfo -Verbose 4>&1
        $second = @($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | Sort-Object Repository)
        $spentSecond = $before - (Get-PrimaryRemaining)
        $spentSecond | Should -BeLessOrEqual (3 + 2) -Because 'at most the listing pages + 2'
        $spentSecond | Should -Be 1 -Because 'only the changed repository is charged'
        $summary = ($secondInfo | Where-Object { $_.Tags -contains 'GitHubOidc.RunSummary' }).MessageData
        $summary.PSObject.TypeNames | Should -Contain 'GitHubOidc.RunSummary'
        $summary.Answers | Should -Be 254
        $summary.FromCache | Should -Be 253
        $summary.Repositories | Should -Be 250
        $said = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
                Where-Object Message -Like '*253 of 254 answers from the cache*')
        $said | Should -HaveCount 1
        # The same objects, except the changed repository with its new settings.
        $second | Should -HaveCount 250
        foreach ($i in 0..249) {
            if ($first[$i].Repository -eq $changed) {
                $second[$i].IncludeClaimKeys | Should -Be @('repo', 'job_workflow_ref')
                $second[$i].Source | Should -Be 'Repository'
            } else {
                ($second[$i] | ConvertTo-Json -Compress) | Should -Be ($first[$i] | ConvertTo-Json -Compress)
            }
        }
        # Every request named the validator it had.
        $gets = @(Get-FakeRequests -Fake $script:fake -Method GET | Where-Object path -NE '/rate_limit')
        $gets | Should -HaveCount 254
        @($gets | Where-Object { -not $_.headers.'if-none-match' }) | Should -HaveCount 0
    }

    It 'never sends one token''s validators with another token' {
        $null = New-FakeOrg -Fake $script:fake @{ org = 'two-tokens'; count = 20; seed = 32 }
        $null = @(Get-GitHubOidcRepository -Owner two-tokens -Context $script:fake.Context())
        Clear-FakeRequests -Fake $script:fake
        $before = Get-PrimaryRemaining -Token 'test-read-token'
        $other = @(Get-GitHubOidcRepository -Owner two-tokens -Context $script:fake.Context('test-read-token') -InformationVariable info)
        $other | Should -HaveCount 20
        ($info | Where-Object { $_.Tags -contains 'GitHubOidc.RunSummary' }).MessageData.FromCache | Should -Be 0
        $before - (Get-PrimaryRemaining -Token 'test-read-token') | Should -Be 22
        $gets = @(Get-FakeRequests -Fake $script:fake -Method GET | Where-Object path -NE '/rate_limit')
        $gets | Should -HaveCount 22
        @($gets | Where-Object { $_.headers.'if-none-match' }) | Should -HaveCount 0
    }

    It 'reports the answers from the cache of a desired-state Compare: after an Export every read is a 304' {
        $null = New-FakeOrg -Fake $script:fake @{ org = 'state-org'; count = 40; seed = 34; own_template_every = 3; template = @('repo', 'context') }
        $file = Join-Path $TestDrive 'state-org.json'
        Export-GitHubOidcConfiguration -Owner state-org -Path $file -Context $script:fake.Context() -Force -ErrorAction Stop
        $before = Get-PrimaryRemaining
        $differences = @(Compare-GitHubOidcConfiguration -Path $file -Context $script:fake.Context() -InformationVariable info -ErrorAction Stop)
        $differences | Should -HaveCount 0
        $before - (Get-PrimaryRemaining) | Should -Be 0 -Because 'every read of the Compare was answered 304 after the Export'
        $summary = ($info | Where-Object { $_.Tags -contains 'GitHubOidc.RunSummary' }).MessageData
        $summary.Owner | Should -Be 'state-org'
        $summary.Answers | Should -Be 42
        $summary.FromCache | Should -Be 42
    }

    It 'shows the CachePath of a context, made absolute' {
        Push-Location $TestDrive
        try {
            $shown = Get-GitHubOidcContext -Context @{ HostName = 'github.com'; Token = 'x'; CachePath = 'relative-cache' }
        } finally { Pop-Location }
        $shown.CachePath | Should -Be (Join-Path $TestDrive 'relative-cache')
        { Get-GitHubOidcContext -Context @{ HostName = 'github.com'; CachePath = $script:child } -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument,*' -Because 'a file is not a cache folder'
    }

    Context 'with CachePath, from a new pwsh' {
        It 'reuses the cache of the last process, keeps it private, and says so when the file is corrupt' {
            $null = New-FakeOrg -Fake $script:fake @{ org = 'disk-org'; count = 150; seed = 33; own_template_every = 4 }
            $folder = Join-Path $TestDrive 'cache'
            $first = Invoke-ChildInventory -CachePath $folder -Owner disk-org
            $first.Count | Should -Be 150
            $first.Spent | Should -Be 153
            $first.Summary.FromCache | Should -Be 0
            $files = @(Get-ChildItem -LiteralPath $folder -File)
            $files | Should -HaveCount 1 -Because 'one file per host and credential'
            $files[0].Name | Should -Match '^githuboidc-[0-9a-f]{32}\.cache\.json$'
            (Get-Content -LiteralPath $files[0].FullName -Raw) | Should -Not -Match 'test-admin-token'
            if (-not $IsWindows) {
                $private = [System.IO.UnixFileMode] 'UserRead, UserWrite'
                $files[0].UnixFileMode | Should -Be $private -Because 'the file is readable only by the user (0600)'
            }

            $second = Invoke-ChildInventory -CachePath $folder -Owner disk-org
            $second.Spent | Should -BeLessOrEqual (2 + 2) -Because 'at most the listing pages + 2'
            # disk-org has no template of its own: GitHub's 404 for it has no validator and is charged.
            $second.Summary.FromCache | Should -Be 152
            $second.Spent | Should -Be 1
            $second.Summary.Answers | Should -Be 153
            $second.Warnings | Should -BeNullOrEmpty
            ($second.States | ConvertTo-Json -Depth 4 -Compress) | Should -Be ($first.States | ConvertTo-Json -Depth 4 -Compress)

            # Another token gets a file of its own and nothing of the first token's.
            $other = Invoke-ChildInventory -CachePath $folder -Owner disk-org -Token 'test-read-token'
            $other.Summary.FromCache | Should -Be 0
            @(Get-ChildItem -LiteralPath $folder -File) | Should -HaveCount 2

            # A corrupt file: a warning naming it, every repository still read, the file replaced.
            Set-Content -LiteralPath $files[0].FullName -Value '{"format": "GitHubOidc.ConditionalCache", "version": 1, "entr'
            $third = Invoke-ChildInventory -CachePath $folder -Owner disk-org
            $third.Count | Should -Be 150
            $third.Summary.FromCache | Should -Be 0
            @($third.Warnings | Where-Object { $_ -like "*$($files[0].Name)*ignored*" }) | Should -HaveCount 1
            $fourth = Invoke-ChildInventory -CachePath $folder -Owner disk-org
            $fourth.Warnings | Should -BeNullOrEmpty
            $fourth.Summary.FromCache | Should -Be 152

            # Another version's file is ignored the same way.
            $text = (Get-Content -LiteralPath $files[0].FullName -Raw) -replace '"version":1', '"version":99'
            Set-Content -LiteralPath $files[0].FullName -Value $text
            $fifth = Invoke-ChildInventory -CachePath $folder -Owner disk-org
            @($fifth.Warnings | Where-Object { $_ -like '*another version*' }) | Should -HaveCount 1
            $fifth.Count | Should -Be 150
        }
    }
}
